"""Sending a contest's changes, and closing its questions on the server's time.

``announce`` sends what a service returned (``Announcement``) with the fan-out:
one layer message per worker, never one per socket.

Questions close at the deadline stored on the contest row, whoever is connected:

- every worker that sees a question frame (it broadcast it, or one of its sockets
  received it) arms a timer for its deadline (``ContestClock``); the first timer
  to fire closes the question and announces the reveal, the others find it closed;
- every worker also sweeps once a second (``run``, started by ``pufa.lifespan``)
  for questions whose deadline passed, in case no timer was armed (the worker that
  opened the question died);
- and any action that finds the deadline passed closes it first (the services).
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from django.db import close_old_connections

from pufa.fanout import broadcast, parsed, per_event_loop
from quizzes.groups import contest_group, contest_host_group
from quizzes.services import contests

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 1
STALE_EVERY = 600  # sweeps
# Fire a little after the closing time, so that the close finds it passed.
TIMER_SLACK = 0.005
# Frames that carry a question's deadline, by how they start when serialised.
DEADLINE_PREFIXES = ('{"type":"contest.question"', '{"type":"contest.resumed"')


async def announce(announcement):
    """Send an Announcement's frames to the host screens and the players."""
    if not announcement:
        return
    contest_id = announcement.contest_id
    # The host first: a worker delivers broadcasts one after the other, and the
    # host screen's one socket must not wait behind a thousand phones.
    for frame in announcement.host:
        await broadcast(contest_host_group(contest_id), frame)
    for frame in announcement.players:
        await broadcast(contest_group(contest_id), frame)
    for frame in announcement.players or announcement.host:
        if frame.get("deadline"):
            contest_clock().arm(contest_id, frame["deadline"])


def watch_frame(contest_id, text):
    """Arm this worker's timer when a broadcast carries a deadline."""
    if text.startswith(DEADLINE_PREFIXES):
        deadline = parsed(text).get("deadline")
        if deadline:
            contest_clock().arm(contest_id, deadline)


def _close_if_due(contest_id):
    close_old_connections()
    return contests.close_question_if_due(contest_id=contest_id)


async def close_and_announce(contest_id):
    """Close the contest's question if its deadline passed, and announce it."""
    announcement = await database_sync_to_async(_close_if_due)(contest_id)
    await announce(announcement)
    return announcement


class ContestClock:
    """One timer per contest and worker, at the open question's deadline."""

    def __init__(self, loop):
        self.loop = loop
        self.timers = {}  # contest id → (deadline ms, TimerHandle)
        self.tasks = set()

    def arm(self, contest_id, deadline_ms):
        current = self.timers.get(contest_id)
        if current and current[0] == deadline_ms:
            return
        if current:
            current[1].cancel()
        closes_at = deadline_ms / 1000 + contests.CLOSE_GRACE.total_seconds()
        delay = max(0.0, closes_at - time.time()) + TIMER_SLACK
        handle = self.loop.call_later(delay, self._fire, contest_id, deadline_ms)
        self.timers[contest_id] = (deadline_ms, handle)

    def _fire(self, contest_id, deadline_ms):
        if self.timers.get(contest_id, (None,))[0] == deadline_ms:
            del self.timers[contest_id]
        task = self.loop.create_task(self._close(contest_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _close(self, contest_id):
        try:
            await close_and_announce(contest_id)
        except Exception:  # the sweep and the next action close it anyway
            logger.exception("closing contest %s on its timer failed", contest_id)


# This worker's clock.
contest_clock = per_event_loop(lambda: ContestClock(asyncio.get_running_loop()))


def _sweep_once(stale):
    close_old_connections()
    announcements = contests.close_due_questions()
    if stale:
        announcements += contests.end_stale_contests()
    return announcements


async def sweep_and_announce(stale=False):
    announcements = await database_sync_to_async(_sweep_once)(stale)
    for announcement in announcements:
        await announce(announcement)
    return announcements


async def run():
    """Background loop (``pufa.lifespan``): close overdue questions every second;
    end forgotten contests every ten minutes."""
    rounds = 0
    while True:
        try:
            await sweep_and_announce(stale=rounds % STALE_EVERY == 0)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be restarting: try again next round
            logger.exception("contest sweep failed")
        rounds += 1
        await asyncio.sleep(SWEEP_SECONDS)
