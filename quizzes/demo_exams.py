"""Demo sittings: one held today and closed, with graded papers of demo cadres (some
failed), and its retake (补考) next week, with the failed carried over.

Everything goes through the exam services, as in real use: the roster, the start
and answers of each paper, the close, the carry-over, the ledger. Idempotent:
sittings are found by name; an existing one is left as it is.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from org.models import Person
from quizzes.models import Attempt, Sitting
from quizzes.services import exams, rosters
from quizzes.services.papers import answer_key

DEMO_ROSTER = 14
SEED = 20260915


def _names():
    return (
        "领导干部任前法律知识考试（第一批）",
        "领导干部任前法律知识考试（第一批补考）",
    )


def _cadres():
    """Demo people with a unit and a position, the same ones every run."""
    return list(
        Person.objects.filter(unit__isnull=False)
        .exclude(position="")
        .order_by("pk")[:DEMO_ROSTER]
    )


def _sit(candidate, rng, ability):
    """Answer each question right with probability ``ability``, then submit."""
    attempt = exams.start_attempt(candidate=candidate, device="demo")
    key = answer_key(attempt.paper)
    items = attempt.paper.items.select_related("version").order_by("position")
    for seq, item in enumerate(items, start=1):
        right = key[item.position]
        if rng.random() < ability:
            choice = right
        else:
            choice = [next(i for i in range(len(item.version.options)) if [i] != right)]
        exams.save_answer(
            attempt_id=attempt.pk,
            position=item.position,
            choice=choice,
            client_seq=seq,
        )
    if rng.random() < 0.15:
        exams.record_focus_loss(attempt_id=attempt.pk, kind="hidden")
    return exams.submit_attempt(attempt_id=attempt.pk, by=Attempt.SubmittedBy.CANDIDATE)


def load_closed(blueprint, proctor):
    name = _names()[0]
    sitting = Sitting.objects.filter(name=name).first()
    if sitting is not None:
        return sitting, False
    now = timezone.now()
    sitting = Sitting.objects.create(
        name=name,
        blueprint=blueprint,
        opens_at=now - dt.timedelta(hours=2),
        closes_at=now + dt.timedelta(hours=1),
        duration_minutes=60,
        review_score="after_attempt",
        focus_loss_limit=5,
    )
    if proctor:
        sitting.proctors.add(proctor)
    rosters.add_candidates(sitting=sitting, people=_cadres(), actor=proctor)
    exams.open_sitting(sitting=sitting, actor=proctor)
    rng = random.Random(SEED)
    candidates = list(sitting.candidates.order_by("pk"))
    # Two do not come; the others answer with abilities from 60 % to 98 %.
    for candidate in candidates[:-2]:
        _sit(candidate, rng, ability=rng.uniform(0.6, 0.98))
    sitting, _submitted = exams.close_sitting(sitting=sitting, actor=proctor)
    # The window is over: the paper is shown as held today.
    Sitting.objects.filter(pk=sitting.pk).update(closes_at=timezone.now())
    sitting.refresh_from_db()
    return sitting, True


def load_retake(closed, proctor):
    name = _names()[1]
    retake = Sitting.objects.filter(name=name).first()
    if retake is not None:
        return retake, False
    day = timezone.localdate() + dt.timedelta(days=7)
    opens = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    retake = Sitting.objects.create(
        name=name,
        blueprint=closed.blueprint,
        opens_at=opens,
        closes_at=opens + dt.timedelta(hours=2),
        duration_minutes=60,
        retake_of=closed,
        focus_loss_limit=5,
    )
    if proctor:
        retake.proctors.add(proctor)
    rosters.carry_failed(sitting=closed, retake=retake, actor=proctor)
    return retake, True


def load(blueprint):
    """Returns the two sittings and how many were created."""
    proctor = get_user_model().objects.filter(username="proctor").first()
    closed, new_closed = load_closed(blueprint, proctor)
    retake, new_retake = load_retake(closed, proctor)
    from django.apps import apps

    if apps.is_installed("events"):
        from quizzes.reach import record_sitting_reach

        record_sitting_reach(sitting_id=closed.pk)  # idempotent
    return (closed, retake), int(new_closed) + int(new_retake)
