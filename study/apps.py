from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    """学法档案: each cadre's study record and study points, and the exam gate.

    Depends on org, cms, quizzes and events; none of them imports study.
    """

    name = "study"
    verbose_name = _("Study records")

    def ready(self):
        from org import roles
        from quizzes.services.exams import register_start_gate
        from study.services.gate import study_points_gate

        register_start_gate(study_points_gate)

        # Organisers read the records and reports (county organisers their county's
        # cadres only); administrators also set the points rules.
        report = ("study.view_study_report", "study.view_pointsruleset")
        roles.grant(roles.ORGANISER, *report)
        roles.grant(roles.ADMINISTRATOR, *report, "study.add_pointsruleset")
