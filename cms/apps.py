from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The public site's pages: home, episodes, lectures, laws."""

    name = "cms"
    verbose_name = _("Publishing")
