"""Demo bank: the questions of ``quizzes.demo_questions`` (active, each citing the
article that supports it) and the blueprint 任前考试 标准卷 (50 questions, 100
points, pass mark 80).

Idempotent: questions are matched by their stem's fingerprint and the blueprint by
its name; a second run creates and saves nothing.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.models import Law, MustKnowList
from quizzes.demo_questions import QUESTIONS
from quizzes.formats.common import KIND_NAMES, CitationResolver, answer_keys
from quizzes.models import (
    Blueprint,
    BlueprintRule,
    Question,
    QuestionKind,
    QuestionStatus,
)
from quizzes.services.bank import (
    TRUE_FALSE_OPTIONS,
    QuestionData,
    create_questions,
    fingerprint,
    problems,
)
from quizzes.services.papers import check_blueprint

KINDS = {
    "单": QuestionKind.SINGLE,
    "多": QuestionKind.MULTIPLE,
    "判": QuestionKind.TRUE_FALSE,
}
STANDARD_PAPER = "任前考试 标准卷"
# (type, count, points, law short names, from the must-know list, max difficulty)
STANDARD_RULES = [
    (QuestionKind.SINGLE, 10, "2", ["宪法"], False, 3),
    (QuestionKind.SINGLE, 15, "2", [], True, 5),
    (QuestionKind.MULTIPLE, 10, "2", [], True, 5),
    (QuestionKind.TRUE_FALSE, 15, "2", [], True, 5),
]


def question_datas():
    """The demo questions as QuestionData; raises ValueError on a broken entry."""
    resolver = CitationResolver()
    datas = []
    for number, entry in enumerate(QUESTIONS, start=1):
        kind_name, citations, difficulty, tags, stem, options, answer, explanation = (
            entry
        )
        kind = KINDS[kind_name]
        keys, error = answer_keys(kind, answer)
        article_ids, citation_errors = resolver.resolve(
            [c.strip() for c in citations.split("；")]
        )
        data = QuestionData(
            kind=kind,
            stem=stem,
            options=list(options or TRUE_FALSE_OPTIONS),
            keys=keys,
            explanation=explanation,
            difficulty=difficulty,
            citations=citations.split("；"),
            article_ids=article_ids,
            topics=sorted(set(tags.split("、"))),
        )
        found = [str(m) for m in citation_errors] + [str(m) for _f, m in problems(data)]
        if error or found or not article_ids:
            raise ValueError(
                f"demo question {number}: {error or found or 'no article'}"
            )
        datas.append(data)
    return datas


def load_questions():
    User = get_user_model()
    author = User.objects.filter(username="editor").first()
    existing = set(Question.objects.values_list("fingerprint", flat=True))
    missing = [d for d in question_datas() if fingerprint(d.stem) not in existing]
    if missing:
        questions = create_questions(
            missing, author=author, status=QuestionStatus.ACTIVE
        )
        reviewer = User.objects.filter(username="reviewer").first()
        if reviewer:
            Question.objects.filter(pk__in=[q.pk for q in questions]).update(
                reviewer=reviewer
            )
    return len(missing)


def load_blueprint():
    if Blueprint.objects.filter(name=STANDARD_PAPER).exists():
        return Blueprint.objects.get(name=STANDARD_PAPER)
    must_know = MustKnowList.objects.order_by("-year").first()
    blueprint = Blueprint.objects.create(
        name=STANDARD_PAPER,
        description="领导干部任前法律知识考试的标准试卷：宪法单选10题，"
        "应知应会清单单选15题、多选10题、判断15题，每题2分。",
        total_points=Decimal(100),
        pass_mark=Decimal(80),
    )
    for order, (kind, count, points, laws, from_list, highest) in enumerate(
        STANDARD_RULES
    ):
        rule = BlueprintRule.objects.create(
            blueprint=blueprint,
            sort_order=order,
            kind=kind,
            count=count,
            points=Decimal(points),
            must_know_list=must_know if from_list else None,
            max_difficulty=highest,
        )
        if laws:
            rule.laws.set(Law.objects.filter(short_name__in=laws))
            rule.save()  # a ParentalManyToManyField is written on save
    check_blueprint(blueprint, total_points=blueprint.total_points)
    return blueprint


def load(command):
    from quizzes import demo_exams
    from quizzes.demo_contest import load_contest

    added = load_questions()
    blueprint = load_blueprint()
    contest, _created = load_contest()
    (closed, retake), _new = demo_exams.load(blueprint)
    counts = "，".join(
        f"{KIND_NAMES[kind]} {Question.objects.filter(kind=kind).count()}"
        for kind in QuestionKind
    )
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Question bank: %(total)d questions (%(added)d new; %(counts)s). "
            "Blueprint %(name)s: %(questions)d questions, %(points)s points, "
            "pass mark %(pass_mark)s. Demo contest %(contest)s: PIN %(pin)s."
        ) % {
            "total": Question.objects.count(),
            "added": added,
            "counts": counts,
            "name": blueprint,
            "questions": blueprint.question_count,
            "points": f"{blueprint.total_points.normalize():f}",
            "pass_mark": f"{blueprint.pass_mark.normalize():f}",
            "contest": contest,
            "pin": contest.pin,
        } + _(
            " Sittings: %(closed)s (closed, %(sat)d papers graded) and its retake "
            "%(retake)s (%(carried)d candidates, opens %(opens)s)."
        ) % {
            "closed": closed,
            "sat": closed.candidates.filter(attempts__status="graded")
            .distinct()
            .count(),
            "retake": retake,
            "carried": retake.candidates.count(),
            "opens": timezone.localtime(retake.opens_at).strftime("%Y-%m-%d %H:%M"),
        }
