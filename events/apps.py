from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """The reach ledger: publicity events, attendance and the figures they add up to."""

    name = "events"
    verbose_name = _("Reach ledger")
