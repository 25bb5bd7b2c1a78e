"""Crediting the time a cadre listens to or watches an episode.

The page (study/static/study/listen.js) sends heartbeats only while the recording
is really playing AND the page is visible:

- ``start`` when playback starts (or resumes, or the page becomes visible again
  while playing): starts the clock, credits nothing;
- ``tick`` every ``BEAT_SECONDS`` while both hold;
- ``stop`` when either stops (pause, end, page hidden, page closed).

The server decides what counts (``record_beat``). A tick or stop credits the real
server time since the previous beat of the same playing, but

1. at most ``MAX_BEAT_SECONDS`` (a page that stopped beating — a background tab
   throttled or frozen — and beats again much later earns nothing for the gap);
2. nothing after a ``stop``, or for a playing that has not started: the next beat
   only restarts the clock;
3. never the same moment twice for one person: two tabs playing at once earn the
   real time that passed, not double (``StudyProfile.listening_until``);
4. never more, over all days, than the episode's length.

Credited seconds are kept per person, episode and day (``ListeningDay``); the
first credited second of an episode in a month counts the cadre once in the reach
ledger's online-listening event of that episode and month.
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from study.models import ListeningDay, ListeningSession, StudyProfile
from study.services.errors import StudyError

BEAT_SECONDS = 15
# One beat's interval plus slack for a slow network; a longer gap earns only this.
MAX_BEAT_SECONDS = 20
# Episodes whose length is not known count at most this long.
UNKNOWN_LENGTH_SECONDS = 30 * 60

START, TICK, STOP = "start", "tick", "stop"
BEATS = (START, TICK, STOP)


@dataclass(frozen=True)
class BeatResult:
    credited: int  # seconds this beat added
    heard: int  # seconds of this episode credited to the person, all days
    length: int  # the most that can be credited for the episode


def listenable_episode(episode_id):
    """A live, public episode with a recording; StudyError ``no_such_episode``."""
    from cms.models import EpisodePage

    episode = (
        EpisodePage.objects.live().public().filter(pk=episode_id).first()
        if str(episode_id).isdigit()
        else None
    )
    if episode is None or not (episode.audio or episode.video):
        raise StudyError(
            "no_such_episode", _("This episode is not published or has no recording.")
        )
    return episode


def episode_length(episode):
    return episode.duration_seconds or UNKNOWN_LENGTH_SECONDS


def _session_id(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise StudyError(
            "bad_session", _("The player sent no valid playing identifier.")
        ) from None


def _locked_profile(person):
    profile = StudyProfile.objects.select_for_update().filter(person=person).first()
    if profile is None:
        try:
            with transaction.atomic():
                StudyProfile.objects.create(person=person)
        except IntegrityError:
            pass  # created by a concurrent beat
        profile = StudyProfile.objects.select_for_update().get(person=person)
    return profile


def heard_seconds(person, episode):
    total = ListeningDay.objects.filter(person=person, episode=episode).aggregate(
        total=Sum("seconds")
    )["total"]
    return total or 0


def record_beat(*, person, episode_id, session_id, beat, now=None):
    """Apply one heartbeat of the player (rules in the module docstring).

    Returns ``BeatResult``. Raises StudyError ``bad_beat``, ``bad_session`` (not a
    UUID, or a playing of another person or episode) or ``no_such_episode``.
    Side effect: the first credit of an episode in a month records the person in
    the reach ledger (``study.services.reach.count_listening``).
    """
    if beat not in BEATS:
        raise StudyError("bad_beat", _("Unknown kind of heartbeat."))
    client_id = _session_id(session_id)
    episode = listenable_episode(episode_id)
    now = now or timezone.now()
    length = episode_length(episode)
    with transaction.atomic():
        # The person's row serialises their beats: two tabs cannot both credit
        # the same seconds.
        profile = _locked_profile(person)
        session = (
            ListeningSession.objects.select_for_update()
            .filter(client_id=client_id)
            .first()
        )
        credit = 0
        if session is None:
            session = ListeningSession(
                client_id=client_id,
                person=person,
                episode=episode,
                started_at=now,
                last_beat_at=now,
                playing=beat != STOP,
            )
        elif session.person_id != person.pk or session.episode_id != episode.pk:
            raise StudyError(
                "bad_session", _("This playing belongs to another episode.")
            )
        else:
            if beat != START and session.playing:
                since = max(
                    session.last_beat_at, profile.listening_until or session.started_at
                )
                elapsed = (now - since).total_seconds()
                credit = int(min(max(elapsed, 0), MAX_BEAT_SECONDS))
            session.playing = beat != STOP
            session.last_beat_at = max(session.last_beat_at, now)
        heard = heard_seconds(person, episode)
        credit = max(0, min(credit, length - heard))
        session.beats += 1
        session.seconds += credit
        session.save()
        if credit:
            _credit_day(person=person, episode=episode, now=now, seconds=credit)
            profile.listening_until = now
            profile.save(update_fields=["listening_until", "updated_at"])
        return BeatResult(credited=credit, heard=heard + credit, length=length)


def _credit_day(*, person, episode, now, seconds):
    from study.services.reach import count_listening

    day = timezone.localdate(now)
    updated = ListeningDay.objects.filter(
        person=person, episode=episode, day=day
    ).update(seconds=F("seconds") + seconds)
    if updated:
        return
    ListeningDay.objects.create(
        person=person,
        episode=episode,
        episode_label=f"{episode.label} {episode.title}"[:255],
        day=day,
        seconds=seconds,
        first_at=now,
    )
    # The ledger counts the person once per episode and month; a new day row is
    # the only moment that can be the first of a month.
    count_listening(person=person, episode=episode, day=day)
