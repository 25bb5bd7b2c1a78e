from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _model(model, actions=("add", "change", "delete", "view")):
    return [f"quizzes.{action}_{model}" for action in actions]


class QuizzesConfig(AppConfig):
    """The exam engine: question bank, papers, live sittings and quiz contests."""

    name = "quizzes"
    verbose_name = _("Exams and quizzes")

    def ready(self):
        from django.apps import apps

        from org import roles
        from quizzes import signals  # noqa: F401  (flags questions of amended laws)
        from quizzes.services import hooks

        if apps.is_installed("events"):
            # A closed sitting's candidates count in the reach ledger.
            from quizzes.reach import count_closed_sitting

            hooks.on_sitting_closed(count_closed_sitting)

        # 考务 (proctors) run the exams: they keep the bank and the blueprints.
        # Editors write draft questions; reviewers check them, activate them and
        # clear 待复核; administrators do everything.
        bank = [
            *_model("question"),
            "quizzes.publish_question",
            "quizzes.import_question",
            *_model("blueprint"),
            *_model("topic"),
            "quizzes.view_questionimport",
        ]
        # Sittings: 考务 and administrators run them; organisers see their
        # county's (the county scope narrows every sitting view).
        sittings = _model("sitting")
        roles.grant(roles.PROCTOR, *bank, *sittings)
        roles.grant(roles.ADMINISTRATOR, *bank, *sittings, "quizzes.review_question")
        roles.grant(roles.ORGANISER, "quizzes.view_sitting")
        # 组织者 (organisers) run contests at their events. They pick questions
        # through the admin's chooser (any admin user may) but do not browse or
        # change the bank.
        contests = [*_model("contest"), "quizzes.view_contestplayer"]
        roles.grant(roles.ORGANISER, *contests)
        roles.grant(roles.ADMINISTRATOR, *contests)
        roles.grant(
            roles.EDITOR,
            *_model("question", ("add", "change", "view")),
            "quizzes.add_topic",
            "quizzes.view_topic",
        )
        roles.grant(
            roles.REVIEWER,
            *_model("question", ("add", "change", "view")),
            "quizzes.publish_question",
            "quizzes.review_question",
            "quizzes.add_topic",
            "quizzes.view_topic",
        )
