"""Questions: their content rules, creation in bulk, frozen versions, the 待复核
(needs review) flag, and the lookup other apps use (``questions_citing``)."""

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    Question,
    QuestionFlag,
    QuestionKind,
    QuestionOption,
    QuestionStatus,
    QuestionVersion,
    Topic,
)
from quizzes.services.errors import QuizError

# The two options every true/false question has, in this order (content, not UI).
TRUE_FALSE_OPTIONS = ("正确", "错误")
MAX_STEM = 4000
MAX_OPTION = 500
MAX_TOPIC = 64


@dataclass
class QuestionData:
    """A question's content, independent of where it came from or goes to."""

    kind: str
    stem: str
    options: list
    keys: list  # indexes into options
    explanation: str = ""
    difficulty: int = 3
    citations: list = field(default_factory=list)  # "民法典第一千一百六十五条"
    article_ids: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    shuffle_options: bool = True

    def __post_init__(self):
        if self.kind == QuestionKind.TRUE_FALSE:
            self.shuffle_options = False  # 正确 comes before 错误 for everyone

    def as_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        return cls(**data)

    def content(self):
        """What must survive an export and re-import unchanged."""
        return (
            self.kind,
            self.stem,
            tuple(self.options),
            tuple(sorted(self.keys)),
            self.explanation,
            self.difficulty,
            tuple(sorted(self.article_ids)),
            tuple(sorted(self.topics)),
            self.shuffle_options,
        )


def fingerprint(stem):
    """The stem without spacing, punctuation or case: likely duplicates share it."""
    folded = unicodedata.normalize("NFKC", stem).casefold()
    letters = "".join(re.findall(r"\w", folded))
    return hashlib.sha256(letters.encode()).hexdigest()


def problems(data):
    """What is wrong with a question's content: a list of (field, message)."""
    found = []
    if data.kind not in QuestionKind.values:
        found.append(("kind", _("Unknown question type.")))
        return found
    if not data.stem.strip():
        found.append(("stem", _("The stem is empty.")))
    elif len(data.stem) > MAX_STEM:
        found.append(
            (
                "stem",
                _("The stem is longer than %(max)d characters.") % {"max": MAX_STEM},
            )
        )
    if data.kind == QuestionKind.TRUE_FALSE:
        if tuple(data.options) != TRUE_FALSE_OPTIONS:
            found.append(
                (
                    "options",
                    _("A true/false question has exactly the options 正确, 错误."),
                )
            )
    elif not MIN_OPTIONS <= len(data.options) <= MAX_OPTIONS:
        found.append(
            (
                "options",
                _("A question needs %(min)d to %(max)d options; this one has %(n)d.")
                % {"min": MIN_OPTIONS, "max": MAX_OPTIONS, "n": len(data.options)},
            )
        )
    else:
        if any(not text.strip() for text in data.options):
            found.append(("options", _("An option is empty.")))
        if any(len(text) > MAX_OPTION for text in data.options):
            found.append(
                (
                    "options",
                    _("An option is longer than %(max)d characters.")
                    % {"max": MAX_OPTION},
                )
            )
        if len({text.strip() for text in data.options}) != len(data.options):
            found.append(("options", _("Two options have the same text.")))
    keys = list(data.keys)
    if not keys:
        found.append(("answer", _("No correct answer is given.")))
    elif any(not 0 <= key < len(data.options) for key in keys):
        found.append(("answer", _("The answer names an option that does not exist.")))
    elif len(set(keys)) != len(keys):
        found.append(("answer", _("The answer names an option twice.")))
    elif data.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(keys) != 1:
        found.append(
            (
                "answer",
                _("A single-choice or true/false question has exactly one answer."),
            )
        )
    elif data.kind == QuestionKind.MULTIPLE and len(keys) < 2:
        found.append(
            (
                "answer",
                _(
                    "A multiple-choice question has at least two correct options; "
                    "make it single choice otherwise."
                ),
            )
        )
    if not isinstance(data.difficulty, int) or not 1 <= data.difficulty <= 5:
        found.append(
            ("difficulty", _("Difficulty must be a whole number from 1 to 5."))
        )
    if any(len(topic) > MAX_TOPIC for topic in data.topics):
        found.append(
            (
                "topics",
                _("A tag is longer than %(max)d characters.") % {"max": MAX_TOPIC},
            )
        )
    return found


def topics_named(names):
    """The Topic rows of these names, creating the missing ones."""
    names = sorted({name for name in names if name})
    if not names:
        return {}
    existing = {t.name: t for t in Topic.objects.filter(name__in=names)}
    missing = [Topic(name=name) for name in names if name not in existing]
    if missing:
        Topic.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Topic.objects.filter(name__in=names)}
    return existing


@transaction.atomic
def create_questions(datas, *, author=None, status=QuestionStatus.DRAFT):
    """Create questions with their options, citations, topics and first version,
    in bulk (an import of thousands runs a fixed number of queries).

    Raises QuizError ``invalid_question`` if any content breaks the rules; then
    nothing is saved. Returns the new questions in the order given.
    """
    for index, data in enumerate(datas):
        found = problems(data)
        if found:
            raise QuizError(
                "invalid_question",
                _("Question %(n)d: %(reason)s")
                % {"n": index + 1, "reason": found[0][1]},
            )
    now = timezone.now()
    reviewed = status == QuestionStatus.ACTIVE
    questions = Question.objects.bulk_create(
        [
            Question(
                kind=data.kind,
                stem=data.stem,
                explanation=data.explanation,
                difficulty=data.difficulty,
                status=status,
                shuffle_options=data.shuffle_options,
                author=author,
                reviewer=author if reviewed else None,
                reviewed_at=now if reviewed else None,
                fingerprint=fingerprint(data.stem),
            )
            for data in datas
        ]
    )
    QuestionOption.objects.bulk_create(
        [
            QuestionOption(
                question=question, sort_order=i, text=text, is_correct=i in data.keys
            )
            for question, data in zip(questions, datas, strict=True)
            for i, text in enumerate(data.options)
        ]
    )
    topics = topics_named(name for data in datas for name in data.topics)
    Question.topics.through.objects.bulk_create(
        [
            Question.topics.through(question_id=question.pk, topic_id=topics[name].pk)
            for question, data in zip(questions, datas, strict=True)
            for name in sorted(set(data.topics))
        ]
    )
    Question.articles.through.objects.bulk_create(
        [
            Question.articles.through(question_id=question.pk, lawarticle_id=article_id)
            for question, data in zip(questions, datas, strict=True)
            for article_id in sorted(set(data.article_ids))
        ]
    )
    versions = QuestionVersion.objects.bulk_create(
        [
            QuestionVersion(question=question, number=1, **_version_fields(data))
            for question, data in zip(questions, datas, strict=True)
        ]
    )
    QuestionVersion.articles.through.objects.bulk_create(
        [
            QuestionVersion.articles.through(
                questionversion_id=version.pk, lawarticle_id=article_id
            )
            for version, data in zip(versions, datas, strict=True)
            for article_id in sorted(set(data.article_ids))
        ]
    )
    # One UPDATE for all (bulk_update would send a CASE with a branch per row).
    Question.objects.filter(pk__in=[q.pk for q in questions]).update(
        current_version=Subquery(
            QuestionVersion.objects.filter(question=OuterRef("pk"), number=1).values(
                "pk"
            )[:1]
        )
    )
    for question, version in zip(questions, versions, strict=True):
        question.current_version = version
    return questions


def create_question(data, *, author=None, status=QuestionStatus.DRAFT):
    """One question; see ``create_questions``."""
    return create_questions([data], author=author, status=status)[0]


def _version_fields(data):
    return {
        "kind": data.kind,
        "stem": data.stem,
        "options": list(data.options),
        "keys": sorted(data.keys),
        "explanation": data.explanation,
        "difficulty": data.difficulty,
        "shuffle_options": data.shuffle_options,
    }


def question_data(question):
    """The current content of a saved question (options, citations, topics)."""
    options = list(question.options.all())
    return QuestionData(
        kind=question.kind,
        stem=question.stem,
        options=[o.text for o in options],
        keys=[i for i, o in enumerate(options) if o.is_correct],
        explanation=question.explanation,
        difficulty=question.difficulty,
        citations=[str(a) for a in question.articles.all()],
        article_ids=sorted(a.pk for a in question.articles.all()),
        topics=sorted(t.name for t in question.topics.all()),
        shuffle_options=question.shuffle_options,
    )


def version_data(version):
    return QuestionData(
        kind=version.kind,
        stem=version.stem,
        options=list(version.options),
        keys=list(version.keys),
        explanation=version.explanation,
        difficulty=version.difficulty,
        article_ids=sorted(a.pk for a in version.articles.all()),
        shuffle_options=version.shuffle_options,
    )


def _frozen(data):
    return (*_version_fields(data).values(), tuple(sorted(data.article_ids)))


@transaction.atomic
def sync_version(question):
    """Make the question's current version match what was just saved.

    Unchanged content: nothing happens. A version no paper has drawn is updated
    in place; a version a paper has drawn is never touched: a new version is made
    and becomes current (the paper keeps the one it drew). Returns the current
    version. Called after every edit in the admin.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    data = question_data(question)
    current = question.current_version
    if current is not None and _frozen(version_data(current)) == _frozen(data):
        return current
    if current is None or current.paper_items.exists():
        number = (
            question.versions.order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        current = QuestionVersion.objects.create(
            question=question, number=number, **_version_fields(data)
        )
        question.current_version = current
        Question.objects.filter(pk=question.pk).update(current_version=current)
    else:
        for name, value in _version_fields(data).items():
            setattr(current, name, value)
        current.save()
    current.articles.set(data.article_ids)
    fp = fingerprint(data.stem)
    if question.fingerprint != fp:
        Question.objects.filter(pk=question.pk).update(fingerprint=fp)
    return current


def check_content(question):
    """Raise QuizError ``invalid_question`` if a saved question breaks the rules."""
    found = problems(question_data(question))
    if found:
        raise QuizError("invalid_question", found[0][1])


@transaction.atomic
def flag_questions(*, article_ids, reason):
    """Mark the questions citing these articles 待复核 and record why.

    Questions already waiting for review get another flag row (the history says
    every reason); none is drawn into a paper until a reviewer clears it.
    Returns how many questions were flagged.
    """
    citing = list(
        Question.articles.through.objects.filter(
            lawarticle_id__in=list(article_ids)
        ).values_list("question_id", "lawarticle_id")
    )
    if not citing:
        return 0
    QuestionFlag.objects.bulk_create(
        [
            QuestionFlag(question_id=question_id, article_id=article_id, reason=reason)
            for question_id, article_id in citing
        ]
    )
    question_ids = {question_id for question_id, _article in citing}
    Question.objects.filter(pk__in=question_ids).update(needs_review=True)
    return len(question_ids)


@transaction.atomic
def clear_review(*, question, reviewer):
    """A reviewer confirms a 待复核 question still holds (after correcting it if
    needed): it may be drawn again. Raises QuizError ``not_allowed`` without the
    review permission and ``not_flagged`` if there is nothing to clear."""
    if not reviewer.has_perm("quizzes.review_question"):
        raise QuizError(
            "not_allowed", _("Only a reviewer can clear the needs-review mark.")
        )
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.needs_review:
        raise QuizError("not_flagged", _("This question is not waiting for review."))
    now = timezone.now()
    question.flags.filter(cleared_at__isnull=True).update(
        cleared_at=now, cleared_by=reviewer
    )
    question.needs_review = False
    question.reviewer = reviewer
    question.reviewed_at = now
    question.save(update_fields=["needs_review", "reviewer", "reviewed_at"])
    return question


def questions_citing(article_ids, *, include_inactive=False):
    """The questions citing any of these ``cms.LawArticle`` ids, for other apps
    (the law page lists them). Active questions only unless ``include_inactive``;
    each once, with its options, articles and topics prefetched. The correct keys
    are on the options: never hand them to a candidate-facing page."""
    queryset = Question.objects.filter(articles__in=list(article_ids))
    if not include_inactive:
        queryset = queryset.filter(status=QuestionStatus.ACTIVE)
    ids = queryset.values("pk")
    return (
        Question.objects.filter(pk__in=ids)
        .prefetch_related(
            "options",
            Prefetch("articles", queryset=_articles_with_law()),
            "topics",
        )
        .order_by("pk")
    )


def _articles_with_law():
    from cms.models import LawArticle

    return LawArticle.objects.select_related("law")
