from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Places, units and people: shared by the three jobs, depending on none of them."""

    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from org.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="org.sync_roles")
