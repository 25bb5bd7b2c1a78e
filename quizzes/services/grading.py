"""Grading attempts: 单选 and 判断 exact, 多选 all-or-nothing or (if the sitting says
so) partial credit, score bands and pass/fail.

Keys come from the paper's frozen question versions, mapped to the order the
candidate saw (``quizzes.services.papers.answer_key``).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from quizzes.models import Attempt, AttemptAnswer, QuestionKind, ScoreChange
from quizzes.services.papers import answer_key

CENT = Decimal("0.01")


def score_item(*, kind, choice, key, points, partial_credit=False):
    """(correct, points earned) for one answer. ``choice`` and ``key`` are lists of
    displayed option indexes."""
    chosen, right = set(choice or ()), set(key)
    if chosen == right:
        return True, Decimal(points)
    if kind == QuestionKind.MULTIPLE and partial_credit and chosen and chosen <= right:
        share = Decimal(points) * len(chosen) / len(right)
        return False, share.quantize(CENT, rounding=ROUND_HALF_UP)
    return False, Decimal(0)


def pass_mark_of(attempt):
    sitting = attempt.candidate.sitting
    if sitting.pass_mark is not None:
        return sitting.pass_mark
    return attempt.paper.pass_mark


def band_of(sitting, score, total):
    """The name of the score band ``score`` falls in (bands by percentage)."""
    if score is None or not total:
        return ""
    percent = Decimal(score) * 100 / Decimal(total)
    for band in sorted(sitting.score_bands, key=lambda b: -Decimal(str(b["min"]))):
        if percent >= Decimal(str(band["min"])):
            return band["name"]
    return ""


def grade_attempt(attempt, *, reason="", actor=None):
    """Score every question of a submitted attempt and set score and pass/fail.

    Unanswered questions score zero (a row is written for them too, so reports
    can count them). A changed score of an attempt graded before is logged as a
    ``ScoreChange`` with ``reason``. Call inside a transaction holding the
    attempt's row lock.
    """
    sitting = attempt.candidate.sitting
    key = answer_key(attempt.paper)
    items = {
        item.position: item
        for item in attempt.paper.items.select_related("version").order_by("position")
    }
    answers = {a.position: a for a in attempt.answers.all()}
    now = timezone.now()
    total = Decimal(0)
    to_update, to_create = [], []
    for position, item in items.items():
        answer = answers.get(position)
        correct, earned = score_item(
            kind=item.version.kind,
            choice=answer.choice if answer else [],
            key=key[position],
            points=item.points,
            partial_credit=sitting.partial_credit,
        )
        total += earned
        if answer is None:
            to_create.append(
                AttemptAnswer(
                    attempt=attempt,
                    position=position,
                    choice=[],
                    client_seq=0,
                    saved_at=now,
                    correct=False,
                    points=Decimal(0),
                )
            )
        else:
            answer.correct, answer.points = correct, earned
            to_update.append(answer)
    AttemptAnswer.objects.bulk_update(to_update, ["correct", "points"])
    AttemptAnswer.objects.bulk_create(to_create)
    old_score = attempt.score
    attempt.score = total
    attempt.passed = total >= pass_mark_of(attempt)
    attempt.status = Attempt.Status.GRADED
    attempt.save(update_fields=["score", "passed", "status"])
    if old_score is not None and old_score != total:
        ScoreChange.objects.create(
            attempt=attempt,
            old_score=old_score,
            new_score=total,
            reason=reason or "regrade",
            actor=actor,
        )
    return attempt


def regrade_attempts(attempts, *, reason, actor=None):
    """Grade again (after a key fix); returns the attempts whose score changed."""
    changed = []
    for attempt in attempts:
        with transaction.atomic():
            locked = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("candidate__sitting", "paper")
                .get(pk=attempt.pk)
            )
            if locked.status != Attempt.Status.GRADED:
                continue
            before = locked.score
            grade_attempt(locked, reason=reason, actor=actor)
            if locked.score != before:
                changed.append(locked)
    return changed
