"""A finished contest in the reach ledger: one event, its players as attendance.

The bridge imports ``events`` only when it runs, so the quizzes app loads without
it. Everything is keyed (docs/data.md, "Recording reach from other apps"):
recording a contest again counts nothing twice.

- the event: ``quizzes.contest:<id>``, type ``contest``, platform on site (实体)
  when played in the room, online (网络) when played remotely;
- each player who gave a phone number: one attendance of that person
  (``quizzes.contest:<id>:player:<player id>``), so they count as distinct people;
- the others: one anonymous headcount (``quizzes.contest:<id>:anonymous``).

Removed players are not counted.
"""

from django.db import transaction
from django.utils import timezone

from quizzes.models import Contest

EVENT_TYPE = "contest"


def contest_source_key(contest_id):
    return f"quizzes.contest:{contest_id}"


@transaction.atomic
def record_contest_reach(*, contest_id):
    """Record (or confirm) the ended contest's event and attendance. Returns the
    event, or None for a contest not ended or that nobody played."""
    from events.models import Platform
    from events.services import record_attendance, record_event, record_headcount

    contest = Contest.objects.select_for_update().get(pk=contest_id)
    if contest.phase != Contest.Phase.ENDED:
        return None
    players = contest.players.filter(kicked_at__isnull=True)
    if not players.exists():
        return None
    key = contest_source_key(contest.pk)
    starts_at = contest.started_at or contest.created_at
    event, _created = record_event(
        source_key=key,
        event_type=EVENT_TYPE,
        title=contest.title,
        starts_at=starts_at,
        ends_at=max(contest.ended_at or starts_at, starts_at),
        county=contest.county,
        township=contest.township,
        venue=contest.venue,
        unit=contest.unit,
        platform=(
            Platform.ONSITE
            if contest.setting == Contest.Setting.IN_ROOM
            else Platform.ONLINE
        ),
    )
    for player_id, person_id in players.filter(person__isnull=False).values_list(
        "pk", "person_id"
    ):
        record_attendance(
            event=event,
            person=_person(person_id),
            source_key=f"{key}:player:{player_id}",
        )
    record_headcount(
        event=event,
        count=players.filter(person__isnull=True).count(),
        source_key=f"{key}:anonymous",
    )
    if contest.reach_recorded_at is None:
        contest.reach_recorded_at = timezone.now()
        contest.save(update_fields=["reach_recorded_at"])
    return event


def _person(person_id):
    from org.models import Person

    return Person.objects.get(pk=person_id)
