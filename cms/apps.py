from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The public site's pages: home, episodes, lectures, laws."""

    name = "cms"
    verbose_name = _("Publishing")

    def ready(self):
        from cms import citations, signals
        from cms.services.structure import ensure_sections_after_migrate
        from cms.services.workflow import ensure_review_workflow_after_migrate
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
        # The reach ledger's organisers read the play figures.
        roles.grant(roles.ORGANISER, "cms.view_episodeplay")
        roles.grant(roles.ADMINISTRATOR, "cms.view_episodeplay")

        citations.register_citing(_("Episodes"), citations.episodes_citing)
        citations.register_citing(_("Lectures"), citations.lectures_citing)
        signals.connect()
        # After org's role sync (connected earlier, in OrgConfig.ready): the
        # workflow needs the reviewer group to exist.
        post_migrate.connect(
            ensure_review_workflow_after_migrate, dispatch_uid="cms.review_workflow"
        )
        post_migrate.connect(ensure_sections_after_migrate, dispatch_uid="cms.sections")
