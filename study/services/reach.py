"""What the study record adds to the reach ledger, through events' services only.

- Listening: a signed-in cadre's player does not send the anonymous play (the page
  claims it, see listen.js); instead the cadre is counted by name, once per episode
  and month, in the same online-listening event the anonymous plays go to
  (``events.online.episode_listening_event``). One listening is one 人次, and the
  cadre one 人 however many episodes they hear.
- Practice: a finished practice paper counts the cadre once a month in the month's
  “网上学法” event.
- Exams: when a sitting closes (``quizzes.services.hooks.on_sitting_closed``), its
  event (``quizzes.sitting:<id>``, type ``exam``) counts each candidate who started
  a paper once.
- Lectures are already in the ledger (check-ins); the study record only reads them.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import Platform
from events.online import episode_listening_event
from events.services import record_attendance, record_event

logger = logging.getLogger(__name__)
ONLINE_STUDY = "online_study"


def _label(episode):
    with translation.override(settings.LANGUAGE_CODE):
        return f"{episode.label} {episode.title}"[:255]


def count_listening(*, person, episode, day):
    """Count the person once in the episode's online-listening event of the month
    of ``day``. Idempotent."""
    event = episode_listening_event(
        episode_id=episode.pk, label=_label(episode), day=day
    )
    month = day.strftime("%Y-%m")
    return record_attendance(
        event=event,
        person=person,
        source_key=f"study.listen:{person.pk}:{episode.pk}:{month}",
    )


def count_practice(*, person, day):
    """Count the person once in the month's online study (网上学法) event."""
    month = day.strftime("%Y-%m")
    starts_at = timezone.make_aware(
        datetime.datetime(day.year, day.month, 1), timezone.get_default_timezone()
    )
    with translation.override(settings.LANGUAGE_CODE):
        event, _created = record_event(
            source_key=f"study.practice:{month}",
            event_type=ONLINE_STUDY,
            title=_("Online law study practice (%(month)s)") % {"month": month},
            starts_at=starts_at,
            platform=Platform.ONLINE,
        )
    return record_attendance(
        event=event, person=person, source_key=f"study.practice:{person.pk}:{month}"
    )


EXAM = "exam"


@transaction.atomic
def count_sitting(sitting):
    """Record a closed sitting in the ledger: one event, each candidate who started
    a paper once. Keyed like every other recording (docs/data.md): recording it again
    counts nothing twice. Returns the event, or None if nobody sat."""
    from quizzes.models import Candidate

    sat = list(
        Candidate.objects.filter(sitting=sitting, attempts__isnull=False)
        .select_related("person")
        .distinct()
    )
    if not sat:
        return None
    key = f"quizzes.sitting:{sitting.pk}"
    starts_at = sitting.opened_at or sitting.opens_at
    event, _created = record_event(
        source_key=key,
        event_type=EXAM,
        title=sitting.name,
        starts_at=starts_at,
        ends_at=max(sitting.closed_at or sitting.closes_at, starts_at),
        county=sitting.county,
        # A proctored sitting, in an exam room.
        platform=Platform.ONSITE,
    )
    for candidate in sat:
        record_attendance(
            event=event,
            person=candidate.person,
            source_key=f"{key}:candidate:{candidate.pk}",
        )
    return event


def record_closed_sitting(sitting):
    """The exam's ``on_sitting_closed`` callback: the sitting is closed already, so
    a failure here is logged for a later re-run, never shown to the proctor."""
    try:
        count_sitting(sitting)
    except Exception:
        logger.exception("counting sitting %s in the reach ledger failed", sitting.pk)
