"""Acceptance 2: only real, visible playing earns listening time; a page left open
in a background tab does not inflate it (study.services.listening)."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine

from study.models import ListeningDay
from study.services.errors import StudyError
from study.services.listening import (
    MAX_BEAT_SECONDS,
    START,
    STOP,
    TICK,
    record_beat,
)
from study.services.points import statement
from tests.events.factories import local
from tests.factories import PersonFactory
from tests.study.factories import listen, listenable_episode

pytestmark = pytest.mark.django_db

T0 = local(2026, 5, 9, 20)


def beat(person, episode, session, kind):
    return record_beat(
        person=person, episode_id=episode.pk, session_id=session, beat=kind
    ).credited


def later(traveller, seconds):
    traveller.shift(datetime.timedelta(seconds=seconds))


@pytest.fixture
def playing(cadre):
    return cadre, listenable_episode(seconds=3600), str(uuid.uuid4())


def test_a_background_tab_earns_nothing(rules, playing):
    cadre, episode, session = playing
    with time_machine.travel(T0, tick=False) as traveller:
        assert beat(cadre, episode, session, START) == 0
        later(traveller, 15)
        assert beat(cadre, episode, session, TICK) == 15
        # The page is hidden: the player sends "stop" and no more ticks.
        later(traveller, 5)
        assert beat(cadre, episode, session, STOP) == 5
        # An hour in the background, the recording still playing. A late tick
        # (a throttled timer firing, or the page shown again without a start)
        # only restarts the clock.
        later(traveller, 3600)
        assert beat(cadre, episode, session, TICK) == 0
        later(traveller, 15)
        assert beat(cadre, episode, session, TICK) == 15

    assert ListeningDay.objects.get().seconds == 35
    # 35 s = 0.58 minutes × 0.5 points = 0.29, rounded down: 0.2 points, not the
    # hour's 30.
    assert statement(cadre, 2026).total == Decimal("0.2")


def test_a_page_that_stops_beating_earns_at_most_one_beat(rules, playing):
    cadre, episode, session = playing
    with time_machine.travel(T0, tick=False) as traveller:
        beat(cadre, episode, session, START)
        # No stop arrived (the tab was frozen, the network dropped): ten minutes
        # later the next tick earns one beat's worth, not ten minutes.
        later(traveller, 600)
        assert beat(cadre, episode, session, TICK) == MAX_BEAT_SECONDS


def test_beats_faster_than_time_earn_only_the_time_that_passed(rules, playing):
    cadre, episode, session = playing
    with time_machine.travel(T0, tick=False) as traveller:
        beat(cadre, episode, session, START)
        credited = 0
        for _ in range(10):
            later(traveller, 1)
            credited += beat(cadre, episode, session, TICK)
            credited += beat(cadre, episode, session, TICK)  # a resend, same moment
    assert credited == 10


def test_two_tabs_playing_at_once_earn_real_time_once(rules, cadre):
    first, second = listenable_episode(), listenable_episode()
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    with time_machine.travel(T0, tick=False) as traveller:
        beat(cadre, first, a, START)
        beat(cadre, second, b, START)
        credited = 0
        for _ in range(4):
            later(traveller, 15)
            credited += beat(cadre, first, a, TICK)
            credited += beat(cadre, second, b, TICK)
    assert credited == 60


def test_an_episode_earns_at_most_its_length(rules, cadre):
    episode = listenable_episode(seconds=100)
    with time_machine.travel(T0, tick=False) as traveller:
        assert listen(traveller, person=cadre, episode=episode, seconds=300) == 100
        # Heard again the next day: nothing more.
        later(traveller, 24 * 3600)
        assert listen(traveller, person=cadre, episode=episode, seconds=60) == 0


def test_refused_beats(rules, playing):
    cadre, episode, session = playing
    other = PersonFactory()
    with time_machine.travel(T0, tick=False):
        beat(cadre, episode, session, START)
        cases = [
            (other, episode.pk, session, TICK, "bad_session"),  # not their playing
            (cadre, listenable_episode().pk, session, TICK, "bad_session"),
            (cadre, episode.pk, "not-a-uuid", TICK, "bad_session"),
            (cadre, episode.pk, session, "rewind", "bad_beat"),
            (cadre, 999999, str(uuid.uuid4()), START, "no_such_episode"),
        ]
        for person, episode_id, session_id, kind, code in cases:
            with pytest.raises(StudyError) as error:
                record_beat(
                    person=person,
                    episode_id=episode_id,
                    session_id=session_id,
                    beat=kind,
                )
            assert error.value.code == code


def test_an_unpublished_episode_earns_nothing(rules, cadre):
    episode = listenable_episode()
    episode.unpublish()
    with pytest.raises(StudyError) as error:
        record_beat(
            person=cadre,
            episode_id=episode.pk,
            session_id=str(uuid.uuid4()),
            beat=START,
        )
    assert error.value.code == "no_such_episode"
