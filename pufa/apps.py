from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PufaConfig(AppConfig):
    """The project itself: base templates, language, health check, set-up commands."""

    name = "pufa"
    verbose_name = _("Pufa")
