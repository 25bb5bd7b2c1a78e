"""A closed sitting in the reach ledger: one event, its sitters as attendance.

The bridge imports ``events`` only when it runs, so the quizzes app loads (and
its tests run) without the ledger. Everything is keyed (docs/data.md, "Recording
reach from other apps"), so recording a sitting again counts nothing twice:

- the event: ``quizzes.sitting:<id>``, type ``exam`` (任前考试), platform online
  (网络: candidates sit on their phones or PCs);
- each candidate who started a paper: one attendance of that person
  (``quizzes.sitting:<id>:candidate:<candidate id>``). A roster holds a person once,
  so 人 and 人次 are the same for a sitting; absent candidates are not counted.
"""

import logging

from django.db import transaction

from quizzes.models import Candidate, Sitting

logger = logging.getLogger(__name__)
EVENT_TYPE = "exam"


def sitting_source_key(sitting_id):
    return f"quizzes.sitting:{sitting_id}"


@transaction.atomic
def record_sitting_reach(*, sitting_id):
    """Record (or confirm) a closed sitting's event and its sitters. Returns the
    event, or None for a sitting not closed or that nobody sat."""
    from events.models import Platform
    from events.services import record_attendance, record_event

    sitting = Sitting.objects.select_related("county").get(pk=sitting_id)
    if sitting.status != Sitting.Status.CLOSED:
        return None
    sitters = (
        Candidate.objects.filter(sitting=sitting, attempts__isnull=False)
        .distinct()
        .select_related("person")
        .order_by("pk")
    )
    if not sitters.exists():
        return None
    key = sitting_source_key(sitting.pk)
    starts_at = sitting.opened_at or sitting.opens_at
    ends_at = max(sitting.closed_at or sitting.closes_at, starts_at)
    event, _created = record_event(
        source_key=key,
        event_type=EVENT_TYPE,
        title=sitting.name,
        starts_at=starts_at,
        ends_at=ends_at,
        county=sitting.county,
        platform=Platform.ONLINE,
    )
    for candidate in sitters:
        record_attendance(
            event=event,
            person=candidate.person,
            source_key=f"{key}:candidate:{candidate.pk}",
            recorded_at=ends_at,
        )
    return event


def count_closed_sitting(sitting):
    """``hooks.on_sitting_closed`` callback: queue the ledger's update after the
    close commits (a large roster must not hold up closing); the backfill command
    ``record_exam_reach`` repairs a miss."""
    from quizzes.tasks import record_sitting_reach as task

    sitting_id = sitting.pk

    def enqueue():
        try:
            task.enqueue(sitting_id)
        except Exception:  # the sitting is closed all the same; the backfill retries
            logger.exception(
                "counting sitting %s in the reach ledger failed", sitting_id
            )

    transaction.on_commit(enqueue)
