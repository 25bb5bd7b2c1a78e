"""Practice papers (no proctor, instant feedback) and the review list (错题本).

A practice paper draws questions of one law from the bank, through the exam draw's
own view of it (``quizzes.services.papers.load_pool``: active questions, not
待复核, citing the law), preferring questions the cadre has not yet answered right.
Each answer is judged at once, and the feedback shows the right answer, the
explanation, the articles and the episodes that explain them
(``cms.citations.episodes_citing``). A wrong answer puts the question on the
cadre's review list; a review round replays the list, and a question leaves it
when it is answered right (in a review round or in any practice paper).
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.citations import episodes_citing
from cms.models import Law, MustKnowList
from quizzes.models import OPTION_LETTERS, QuestionKind
from quizzes.services.grading import score_item
from quizzes.services.papers import (
    RuleSpec,
    displayed_keys,
    displayed_options,
    load_pool,
    new_seed,
    option_orders,
    versions_by_id,
)
from study.models import PracticeItem, PracticeSession, ReviewItem
from study.services.errors import StudyError

PRACTICE_SIZE = 10
REVIEW_ROUND_SIZE = 20
# Starting the same kind of paper again within this time resumes the unfinished
# one (a double click, or coming back to it) instead of drawing another.
RESUME_WITHIN = datetime.timedelta(hours=12)
KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


def _rules(law_ids=frozenset()):
    return [
        RuleSpec(
            position=n,
            kind=kind,
            count=1,
            points=Decimal(1),
            law_ids=frozenset(law_ids),
        )
        for n, kind in enumerate(KINDS, start=1)
    ]


def _drawable(law_ids=frozenset()):
    """(question ids the draw may take, {question id: current version id})."""
    rules = _rules(law_ids)
    pool = load_pool(rules)
    ids = set()
    for rule in rules:
        ids.update(pool.eligible[rule.position])
    return ids, pool.version_of


def practice_laws():
    """[(law, number of questions to practise)] for every law with questions: those
    of the latest must-know list first, in its order."""
    must_know = MustKnowList.objects.prefetch_related("entries__law").first()
    listed = [entry.law for entry in must_know.entries.all()] if must_know else []
    others = list(Law.objects.exclude(pk__in=[law.pk for law in listed]))
    laws = listed + others
    if not laws:
        return []
    rules = []
    for index, law in enumerate(laws):
        for n, kind in enumerate(KINDS):
            rules.append(
                RuleSpec(
                    position=index * len(KINDS) + n + 1,
                    kind=kind,
                    count=1,
                    points=Decimal(1),
                    law_ids=frozenset({law.pk}),
                )
            )
    pool = load_pool(rules)
    result = []
    for index, law in enumerate(laws):
        ids = set()
        for n in range(len(KINDS)):
            ids.update(pool.eligible[index * len(KINDS) + n + 1])
        if ids:
            result.append((law, len(ids)))
    return result


def _resumable(person, kind, law=None, now=None):
    now = now or timezone.now()
    sessions = PracticeSession.objects.filter(
        person=person,
        kind=kind,
        finished_at__isnull=True,
        started_at__gte=now - RESUME_WITHIN,
    )
    if law is not None:
        sessions = sessions.filter(law=law)
    return sessions.order_by("-started_at").first()


def _create_session(*, person, kind, law, seed, picks, now):
    """A session holding ``picks`` ([(question id, version id)]) in that order,
    options shuffled by the seed as an exam paper's would be."""
    versions = versions_by_id(version_id for _pk, version_id in picks)
    orders = option_orders(seed, [versions[version_id] for _pk, version_id in picks])
    session = PracticeSession.objects.create(
        person=person,
        kind=kind,
        law=law,
        law_label=(law.short_name or law.title) if law else "",
        seed=seed,
        started_at=now,
        question_count=len(picks),
    )
    PracticeItem.objects.bulk_create(
        [
            PracticeItem(
                session=session,
                position=position,
                question_id=question_id,
                version_id=version_id,
                option_order=list(order),
            )
            for position, ((question_id, version_id), order) in enumerate(
                zip(picks, orders, strict=True), start=1
            )
        ]
    )
    return session


def start_practice(*, person, law, size=PRACTICE_SIZE, seed=None, now=None):
    """Draw a practice paper of ``size`` questions citing ``law`` (or resume the
    cadre's unfinished one of that law). Raises StudyError ``no_questions``."""
    now = now or timezone.now()
    with transaction.atomic():
        resumed = _resumable(person, PracticeSession.Kind.PRACTICE, law, now)
        if resumed is not None:
            return resumed
        ids, version_of = _drawable({law.pk})
        if not ids:
            raise StudyError(
                "no_questions",
                _("The bank has no questions on %(law)s to practise yet.")
                % {"law": law},
            )
        seed = new_seed() if seed is None else seed
        rng = random.Random(seed)
        ids = sorted(ids)
        rng.shuffle(ids)
        known = set(
            PracticeItem.objects.filter(
                session__person=person, correct=True, question_id__in=ids
            ).values_list("question_id", flat=True)
        )
        ids.sort(key=lambda pk: pk in known)  # stable: not yet mastered first
        picks = [(pk, version_of[pk]) for pk in ids[:size]]
        return _create_session(
            person=person,
            kind=PracticeSession.Kind.PRACTICE,
            law=law,
            seed=seed,
            picks=picks,
            now=now,
        )


def open_review_items(person):
    """The cadre's review list: entries not yet answered right, oldest mistake
    first, with ``drawable`` set on each (False: the question is retired or being
    reviewed, so it is left out of rounds for now)."""
    items = list(
        ReviewItem.objects.filter(person=person, cleared_at__isnull=True)
        .select_related("question__current_version")
        .prefetch_related("question__articles__law")
        .order_by("last_wrong_at", "pk")
    )
    if items:
        drawable, _versions = _drawable()
        for item in items:
            item.drawable = item.question_id in drawable
    return items


def start_review(*, person, size=REVIEW_ROUND_SIZE, seed=None, now=None):
    """A round of the review list (or the unfinished one). Raises StudyError
    ``review_empty``."""
    now = now or timezone.now()
    with transaction.atomic():
        resumed = _resumable(person, PracticeSession.Kind.REVIEW, now=now)
        if resumed is not None:
            return resumed
        drawable, version_of = _drawable()
        ids = [
            item.question_id
            for item in open_review_items(person)
            if item.question_id in drawable
        ][:size]
        if not ids:
            raise StudyError(
                "review_empty",
                _(
                    "Your review list is empty: every question you missed is now "
                    "answered right."
                ),
            )
        seed = new_seed() if seed is None else seed
        random.Random(seed).shuffle(ids)
        return _create_session(
            person=person,
            kind=PracticeSession.Kind.REVIEW,
            law=None,
            seed=seed,
            picks=[(pk, version_of[pk]) for pk in ids],
            now=now,
        )


def clean_choice(kind, choice, option_count):
    """The chosen displayed indexes, sorted, or None if they are not a valid
    answer (an answer must choose something; one option unless multiple choice)."""
    if not isinstance(choice, list | tuple):
        return None
    try:
        chosen = sorted({int(i) for i in choice})
    except (TypeError, ValueError):
        return None
    if not chosen or not all(0 <= i < option_count for i in chosen):
        return None
    if kind != QuestionKind.MULTIPLE and len(chosen) != 1:
        return None
    return chosen


@dataclass
class Feedback:
    """What the cadre sees right after answering one question."""

    position: int
    correct: bool
    choice: list
    key: list
    explanation: str
    articles: list = field(default_factory=list)  # [{label, url, episodes}]

    @property
    def key_letters(self):
        return "".join(OPTION_LETTERS[i] for i in self.key)

    @property
    def choice_letters(self):
        return "".join(OPTION_LETTERS[i] for i in self.choice)


def feedback_for(item):
    version = item.version
    articles = list(version.articles.select_related("law"))
    episodes = episodes_citing([a.pk for a in articles]) if articles else {}
    return Feedback(
        position=item.position,
        correct=bool(item.correct),
        choice=list(item.choice),
        key=displayed_keys(item),
        explanation=version.explanation,
        articles=[
            {
                "label": str(article),
                "url": article.get_absolute_url(),
                "episodes": [
                    {"title": title, "url": url}
                    for title, url in episodes.get(article.pk, [])[:3]
                ],
            }
            for article in articles
        ],
    )


def _locked_session(person, session_id):
    session = (
        PracticeSession.objects.select_for_update()
        .filter(pk=session_id, person=person)
        .first()
    )
    if session is None:
        raise StudyError(
            "no_session", _("This practice paper is not yours or is gone.")
        )
    return session


def answer_item(*, person, session_id, position, choice, now=None):
    """Judge one answer of a practice paper or review round; returns ``Feedback``.

    Idempotent: a question already answered keeps its first answer (a second
    click, a resent form) and its feedback is returned again. Raises StudyError
    ``no_session``, ``bad_position`` or ``bad_choice``. Side effects: the review
    list (a wrong answer adds the question, a right one clears it), and a finished
    practice paper counts the cadre in the reach ledger.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(person, session_id)
        item = (
            PracticeItem.objects.select_related("version")
            .filter(session=session, position=position)
            .first()
        )
        if item is None:
            raise StudyError("bad_position", _("This paper has no such question."))
        if item.answered_at is not None:
            return feedback_for(item)
        version = item.version
        chosen = clean_choice(version.kind, choice, len(version.options))
        if chosen is None:
            message = (
                _("Choose one or more options.")
                if version.kind == QuestionKind.MULTIPLE
                else _("Choose one option.")
            )
            raise StudyError("bad_choice", message)
        correct, _points = score_item(
            kind=version.kind, choice=chosen, key=displayed_keys(item), points=1
        )
        item.choice, item.correct, item.answered_at = chosen, correct, now
        item.save(update_fields=["choice", "correct", "answered_at"])
        session.answered_count += 1
        session.correct_count += int(correct)
        if session.answered_count >= session.question_count:
            session.finished_at = now
        session.save(update_fields=["answered_count", "correct_count", "finished_at"])
        _update_review_list(
            person=person, question_id=item.question_id, correct=correct, now=now
        )
        if session.finished_at and session.kind == PracticeSession.Kind.PRACTICE:
            from study.services.reach import count_practice

            count_practice(person=person, day=timezone.localdate(now))
        return feedback_for(item)


def _update_review_list(*, person, question_id, correct, now):
    entries = ReviewItem.objects.select_for_update().filter(
        person=person, question_id=question_id
    )
    entry = entries.first()
    if correct:
        if entry is not None and entry.cleared_at is None:
            entry.cleared_at = now
            entry.save(update_fields=["cleared_at", "updated_at"])
        return
    if entry is None:
        ReviewItem.objects.create(
            person=person, question_id=question_id, wrong_count=1, last_wrong_at=now
        )
        return
    entry.wrong_count += 1
    entry.last_wrong_at = now
    entry.cleared_at = None
    entry.save(
        update_fields=["wrong_count", "last_wrong_at", "cleared_at", "updated_at"]
    )


def next_unanswered(session):
    return session.items.filter(answered_at__isnull=True).order_by("position").first()


def question_view(item):
    """What the page shows of a question before it is answered: never a key."""
    version = item.version
    return {
        "position": item.position,
        "kind": version.kind,
        "kind_label": QuestionKind(version.kind).label,
        "stem": version.stem,
        "options": [
            {"letter": OPTION_LETTERS[i], "text": text, "index": i}
            for i, text in enumerate(displayed_options(item))
        ],
        "multiple": version.kind == QuestionKind.MULTIPLE,
    }


__all__ = [
    "Feedback",
    "answer_item",
    "clean_choice",
    "feedback_for",
    "next_unanswered",
    "open_review_items",
    "practice_laws",
    "question_view",
    "start_practice",
    "start_review",
]
