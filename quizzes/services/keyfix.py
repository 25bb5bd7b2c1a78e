"""Correcting a question's key after papers used it, and regrading them.

Editing a question that papers drew makes a new version (``bank.sync_version``);
the papers keep the version they drew. When the edit only corrected the key (same
stem, same options, other correct options), the candidates were judged by a wrong
key: ``fix_key`` points those papers' items at the corrected version and grades
the affected attempts again. Every changed score gets a ``ScoreChange`` row, and
each sitting a ``ProctorAction`` REGRADE saying what was done.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from quizzes.models import (
    Attempt,
    PaperQuestion,
    ProctorAction,
    Question,
    QuestionVersion,
    Sitting,
)
from quizzes.services.errors import QuizError
from quizzes.services.grading import regrade_attempts


def _same_but_key(version, current):
    return (
        version.kind == current.kind
        and version.stem == current.stem
        and list(version.options) == list(current.options)
        and sorted(version.keys) != sorted(current.keys)
    )


def wrong_key_versions(question):
    """The versions of ``question`` that papers drew and that differ from its
    current version only by their key."""
    current = question.current_version
    if current is None:
        return []
    drawn = (
        QuestionVersion.objects.filter(question=question, paper_items__isnull=False)
        .exclude(pk=current.pk)
        .distinct()
    )
    return [version for version in drawn if _same_but_key(version, current)]


@dataclass
class KeyFix:
    """What a key fix does (or would do): per sitting, the attempts graded again
    and those whose score or pass/fail changed."""

    question: Question
    items: int = 0
    regraded: int = 0
    changed: list = field(default_factory=list)  # (attempt, old score, new score)
    passed_flips: int = 0
    sittings: list = field(default_factory=list)


def fix_key(*, question, actor, dry_run=False):
    """Point the papers that drew a wrong-key version of ``question`` at its
    current (corrected) version and regrade their graded attempts.

    Returns a ``KeyFix``. With ``dry_run`` everything is computed and then rolled
    back: the confirmation page shows what the fix will change. Raises QuizError
    ``nothing_to_fix`` when no paper holds a version that differs only by its key
    (after a fix, or when the edit changed more than the key).
    """
    with transaction.atomic():
        # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side
        # of the outer join to current_version.
        question = Question.objects.select_for_update().get(pk=question.pk)
        stale = wrong_key_versions(question)
        if not stale:
            raise QuizError(
                "nothing_to_fix",
                _(
                    "No paper holds an earlier version of this question that differs "
                    "only by its key: there is nothing to regrade."
                ),
            )
        result = KeyFix(question=question)
        items = PaperQuestion.objects.filter(version__in=stale)
        papers = set(items.values_list("paper_id", flat=True))
        result.items = items.update(version=question.current_version)
        attempts = list(
            Attempt.objects.filter(paper_id__in=papers, status=Attempt.Status.GRADED)
            .select_related("candidate")
            .order_by("pk")
        )
        before = {a.pk: (a.score, a.passed) for a in attempts}
        reason = (
            f"key fix: question {question.pk} now version "
            f"{question.current_version.number}"
        )
        changed = regrade_attempts(attempts, reason=reason, actor=actor)
        result.regraded = len(attempts)
        result.changed = [(a, before[a.pk][0], a.score) for a in changed]
        result.passed_flips = sum(before[a.pk][1] != a.passed for a in changed)
        by_sitting = {}
        for attempt in attempts:
            by_sitting.setdefault(attempt.candidate.sitting_id, []).append(attempt.pk)
        changed_ids = {a.pk for a in changed}
        for sitting in Sitting.objects.filter(pk__in=by_sitting).order_by("pk"):
            ids = by_sitting[sitting.pk]
            result.sittings.append(
                (sitting, len(ids), len(changed_ids.intersection(ids)))
            )
            ProctorAction.objects.create(
                sitting=sitting,
                actor=actor,
                kind=ProctorAction.Kind.REGRADE,
                detail={
                    "question": question.pk,
                    "from_versions": sorted(v.number for v in stale),
                    "to_version": question.current_version.number,
                    "regraded": len(ids),
                    "changed": len(changed_ids.intersection(ids)),
                },
            )
        if dry_run:
            transaction.set_rollback(True)
        return result
