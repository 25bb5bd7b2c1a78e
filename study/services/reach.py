"""What the study record adds to the reach ledger, through events' services only.

- Listening: a signed-in cadre's player does not send the anonymous play (the page
  claims it, see listen.js); instead the cadre is counted by name, once per episode
  and month, in the same online-listening event the anonymous plays go to
  (``events.online.episode_listening_event``). One listening is one 人次, and the
  cadre one 人 however many episodes they hear.
- Practice: a finished practice paper counts the cadre once a month in the month's
  “网上学法” event.
- Lectures and exams are already in the ledger (check-ins; ``quizzes.reach``
  records a closed sitting's sitters); the study record only reads them.
"""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import Platform
from events.online import episode_listening_event
from events.services import record_attendance, record_event

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
