"""Demo contest: 宪法知识竞赛（演示）, five questions on the Constitution chosen by
hand, in the lobby, in 博乐市 — ready for a host screen and phones to try.

Idempotent: matched by its title; an existing one is left as it is.
"""

from org.models import Place
from quizzes.models import Contest, Question, QuestionStatus
from quizzes.services.contests import create_contest

TITLE = "宪法知识竞赛（演示）"
QUESTIONS = 5


def load_contest():
    """The demo contest, created if missing. Returns (contest, created)."""
    existing = Contest.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing, False
    questions = list(
        Question.objects.filter(
            articles__law__short_name="宪法",
            status=QuestionStatus.ACTIVE,
            needs_review=False,
        )
        .distinct()
        .order_by("kind", "pk")[:QUESTIONS]
    )
    county = Place.objects.filter(kind=Place.Kind.COUNTY, name="博乐市").first()
    township = Place.objects.filter(
        kind=Place.Kind.TOWNSHIP, name="青得里街道", parent=county
    ).first()
    contest = create_contest(
        title=TITLE,
        questions=questions,
        seconds_per_question=20,
        county=county,
        township=township,
        venue="青得里街道法治文化广场",
        setting=Contest.Setting.IN_ROOM,
    )
    return contest, True
