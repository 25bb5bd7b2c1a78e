from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """The exam engine: question bank, papers, live sittings and quiz contests."""

    name = "quizzes"
    verbose_name = _("Exams and quizzes")
