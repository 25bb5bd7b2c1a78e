"""The exam's study-points gate (registered with quizzes' start gates).

A sitting's ``min_study_points`` is the number of study points a candidate must
have earned in the current calendar year (China time) before starting a paper.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.services.errors import QuizError
from study.services.points import number, statement


def points_missing(person, required, *, year=None):
    """(points of the year, points still missing) for a requirement."""
    year = year or timezone.localdate().year
    have = statement(person, year).total
    return have, max(required - have, 0)


def study_points_gate(candidate):
    """Refuse a start below the sitting's threshold: QuizError
    ``study_points_missing``, saying how many points are missing and where to
    earn them. Called by ``quizzes.services.exams.start_attempt``."""
    required = candidate.sitting.min_study_points
    if not required or required <= 0:
        return
    have, missing = points_missing(candidate.person, required)
    if missing <= 0:
        return
    raise QuizError(
        "study_points_missing",
        _(
            "This exam requires %(required)s study points this year; you have "
            "%(have)s, so %(missing)s are missing. Earn them in your study record "
            "(%(url)s): listen to case-explanation episodes, attend law lectures "
            "or finish practice papers."
        )
        % {
            "required": number(required),
            "have": number(have),
            "missing": number(missing),
            "url": reverse("study:home"),
        },
    )
