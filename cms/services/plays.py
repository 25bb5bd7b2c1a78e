"""Episode plays, counted anonymously per episode per day.

The player posts one play per page view with a nonce it made; ``record_play`` keeps
one row per nonce (a retried request counts once). The reach ledger reads the
figures with ``daily_play_counts`` and never writes here.
"""

import datetime
import uuid

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.errors import CmsError


def _nonce(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise CmsError(
            "bad_nonce", _("The player sent no valid play identifier.")
        ) from None


# One listener (one address and browser) counts at most this many plays of one
# episode per hour: reloading a page does not inflate the figures.
PLAYS_PER_LISTENER_PER_HOUR = 3


def _within_allowance(*, episode_id, listener, played_at):
    if not listener:
        return True
    hour = timezone.localtime(played_at).strftime("%Y%m%d%H")
    key = f"cms:plays:{episode_id}:{listener}:{hour}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= PLAYS_PER_LISTENER_PER_HOUR


def record_play(*, episode_id, nonce, played_at=None, listener=None):
    """Count one play of a live, public episode. Returns (play, created).

    ``listener`` is an opaque key for the browser (a hash made by the view, kept
    only in the cache for an hour, never stored with the play). Raises CmsError
    ``no_such_episode`` for an episode that is not public, ``bad_nonce`` for a nonce
    that is not a UUID, ``too_many_plays`` past the hourly allowance. The same nonce
    twice counts once.
    """
    from cms.models import EpisodePage, EpisodePlay

    nonce = _nonce(nonce)
    episode = EpisodePage.objects.live().public().filter(pk=episode_id).first()
    if episode is None:
        raise CmsError("no_such_episode", _("This episode is not published."))
    played_at = played_at or timezone.now()
    if EpisodePlay.objects.filter(nonce=nonce).exists():
        return EpisodePlay.objects.get(nonce=nonce), False
    if not _within_allowance(
        episode_id=episode.pk, listener=listener, played_at=played_at
    ):
        raise CmsError(
            "too_many_plays",
            _("This play was already counted; thank you for listening."),
        )
    try:
        # The unique nonce makes the retry idempotent; the savepoint keeps an
        # outer transaction usable after the duplicate is refused.
        with transaction.atomic():
            play = EpisodePlay.objects.create(
                episode=episode,
                episode_label=f"{episode.label} {episode.title}"[:255],
                day=timezone.localdate(played_at),
                played_at=played_at,
                nonce=nonce,
            )
    except IntegrityError:
        return EpisodePlay.objects.get(nonce=nonce), False
    return play, True


def daily_play_counts(*, start, end, episode_ids=None):
    """Plays per episode per day (China Standard Time), from ``start`` to ``end``
    inclusive (dates). Returns a list of dicts ``{"day", "episode_id",
    "episode_label", "plays"}`` ordered by day then episode. Plays of episodes
    deleted since are kept, under ``episode_id`` None."""
    from cms.models import EpisodePlay

    if isinstance(start, datetime.datetime) or isinstance(end, datetime.datetime):
        raise TypeError("start and end are dates")
    plays = EpisodePlay.objects.filter(day__gte=start, day__lte=end)
    if episode_ids is not None:
        plays = plays.filter(episode_id__in=list(episode_ids))
    rows = (
        plays.values("day", "episode_id")
        .annotate(plays=Count("pk"), episode_label=Max("episode_label"))
        .order_by("day", "episode_id")
    )
    return list(rows)


def total_plays(*, start, end):
    """All plays from ``start`` to ``end`` inclusive (dates)."""
    from cms.models import EpisodePlay

    return EpisodePlay.objects.filter(day__gte=start, day__lte=end).count()
