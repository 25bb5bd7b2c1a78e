from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """The reach ledger: publicity events, attendance and the figures they add up to."""

    name = "events"
    verbose_name = _("Reach ledger")

    def ready(self):
        from cms.home_slots import register_reach_figures
        from events.home import home_figures
        from org import roles

        register_reach_figures(home_figures)

        # Organisers keep the ledger (county organisers within their county, by the
        # scoped viewsets and views); they read targets and the type list. Ledger rows
        # are added and corrected through the services, never changed or deleted.
        roles.grant(
            roles.ORGANISER,
            "events.view_event",
            "events.add_event",
            "events.change_event",
            "events.view_eventtype",
            "events.view_target",
            "events.view_attendance",
            "events.add_attendance",
            "events.add_importbatch",
            "events.view_importbatch",
        )
        roles.grant(
            roles.ADMINISTRATOR,
            *[
                f"events.{action}_{model}"
                for model in ("event", "eventtype", "target")
                for action in ("add", "change", "delete", "view")
            ],
            "events.view_attendance",
            "events.add_attendance",
            "events.add_importbatch",
            "events.view_importbatch",
        )
