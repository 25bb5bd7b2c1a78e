"""Reach that happens online flows into the ledger through the jobs' services.

Episode plays (cms.services.plays counts them per episode per day, anonymously)
become one "以案释法网络收听" event per episode per month, whose 人次 are the plays:
one headcount row per day, which a later sync corrects (append-only) as plays keep
coming. Syncing again changes nothing; a play never counts twice.
"""

import asyncio
import datetime
import logging

from channels.db import database_sync_to_async
from django.db import transaction
from django.utils import timezone

from cms.services.plays import daily_play_counts
from events.models import Platform
from events.services import record_event, record_headcount

logger = logging.getLogger(__name__)
ONLINE_LISTENING = "online_listening"
SYNC_SECONDS = 600


def _month_start(day):
    start = datetime.datetime(day.year, day.month, 1)
    return timezone.make_aware(start, timezone.get_default_timezone())


def episode_listening_event(*, episode_id, label, day):
    """The online-listening event of an episode in the month of ``day`` (made if
    missing). Anonymous plays add to its headcount; other apps that know who listened
    (the study record) count the person in it instead of a play, so one listening is
    never counted twice."""
    month = day.strftime("%Y-%m")
    event, _created = record_event(
        source_key=f"cms.episode:{episode_id}:online:{month}",
        event_type=ONLINE_LISTENING,
        title=f"{label}（网络收听 {month}）",
        starts_at=_month_start(day),
        platform=Platform.ONLINE,
    )
    return event


@transaction.atomic
def sync_episode_plays(*, start, end):
    """Record the plays of ``start``…``end`` (dates, China time). Returns the
    number of (episode, day) figures written or confirmed."""
    rows = daily_play_counts(start=start, end=end)
    for row in rows:
        day, episode_id = row["day"], row["episode_id"] or "deleted"
        label = row["episode_label"] or str(episode_id)
        event = episode_listening_event(episode_id=episode_id, label=label, day=day)
        record_headcount(
            event=event,
            count=row["plays"],
            source_key=f"cms.episode:{episode_id}:plays:{day.isoformat()}",
        )
    return len(rows)


async def run(interval=SYNC_SECONDS):
    """Background loop (pufa.lifespan): today's and yesterday's plays, every ten
    minutes."""
    while True:
        try:
            today = timezone.localdate()
            await database_sync_to_async(sync_episode_plays)(
                start=today - datetime.timedelta(days=1), end=today
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # the next pass tries again
            logger.exception("syncing episode plays into the ledger failed")
        await asyncio.sleep(interval)
