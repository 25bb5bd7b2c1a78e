"""Study test data: known points rules, episodes one can listen to, heartbeats.
Defaults only; each test says what matters to it."""

import datetime
import uuid
from decimal import Decimal

from cms.models import EpisodePage
from study.models import PointsRuleSet
from study.services.listening import BEAT_SECONDS, START, STOP, TICK, record_beat
from study.services.rules import create_rule_set
from tests.cms.factories import episode, with_audio

RULES = {
    "episode_points_per_minute": Decimal("0.5"),
    "episode_daily_cap": Decimal("10"),
    "lecture_points": Decimal("5"),
    "meeting_study_points": Decimal("4"),
    "thematic_lecture_points": Decimal("3"),
    "practice_points": Decimal("2"),
    "practice_daily_limit": 2,
}


def known_rules(valid_from=datetime.date(2020, 1, 1), **overrides):
    """Version 1 of the rules, the only one (the migration's is removed)."""
    PointsRuleSet.objects.all().delete()
    return create_rule_set(valid_from=valid_from, **{**RULES, **overrides})


def listenable_episode(*, seconds=600, **fields):
    """A published episode with a recording, ``seconds`` long."""
    page = with_audio(episode(**fields))
    EpisodePage.objects.filter(pk=page.pk).update(duration_seconds=seconds)
    page.refresh_from_db()
    return page


def listen(traveller, *, person, episode, seconds, session=None):
    """A visible page playing ``episode`` for ``seconds``: start, a tick every
    BEAT_SECONDS, stop. Moves the time-machine ``traveller`` along. Returns the
    seconds credited."""
    session = session or str(uuid.uuid4())
    credited = record_beat(
        person=person, episode_id=episode.pk, session_id=session, beat=START
    ).credited
    elapsed = 0
    while elapsed < seconds:
        step = min(BEAT_SECONDS, seconds - elapsed)
        traveller.shift(datetime.timedelta(seconds=step))
        elapsed += step
        beat = TICK if elapsed < seconds else STOP
        credited += record_beat(
            person=person, episode_id=episode.pk, session_id=session, beat=beat
        ).credited
    return credited
