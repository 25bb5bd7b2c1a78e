from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The public site's pages: home, episodes, lectures, laws."""

    name = "cms"
    verbose_name = _("Publishing")

    def ready(self):
        from org import roles

        law_models = ("law", "lawarticle", "mustknowlist")
        editing = [
            f"cms.{a}_{m}" for m in law_models for a in ("add", "change", "view")
        ]
        roles.grant(roles.EDITOR, *editing)
        roles.grant(roles.REVIEWER, *editing)
        roles.grant(roles.PROCTOR, "cms.view_law", "cms.view_lawarticle")
        roles.grant(
            roles.ADMINISTRATOR,
            *[
                f"cms.{a}_{m}"
                for m in law_models
                for a in ("add", "change", "delete", "view")
            ],
        )
