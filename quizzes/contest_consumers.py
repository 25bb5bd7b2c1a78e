"""The live contest's sockets: players' phones and the host screen.

Consumers only translate (``docs/protocol.md``, "Contest"): parse the frame, check
who is asking, call ``quizzes.services.contests`` through
``database_sync_to_async``, reply, and announce what changed
(``quizzes.contest_clock.announce``: one layer message per worker).

A player is known by the token their browser got when joining (the
``pufa_contest`` cookie, or a ``hello`` frame for clients without cookies); a host
by their admin session and the contest permission.
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pufa.fanout import broadcast, parsed, per_event_loop
from pufa.sockets import (
    CLOSE_BAD_CLIENT,
    CLOSE_UNAUTHORISED,
    MAX_BAD_FRAMES,
    JsonFrameConsumer,
)
from quizzes.contest_clock import (
    announce,
    close_and_announce,
    contest_clock,
    watch_frame,
)
from quizzes.groups import contest_group, contest_host_group
from quizzes.models import Contest, ContestPlayer
from quizzes.services import contests
from quizzes.services.errors import QuizError

logger = logging.getLogger(__name__)

PLAYER_COOKIE = "pufa_contest"
CLOSE_REMOVED = 4403
# Refusals only a broken or hostile client earns: they count towards the close.
HOSTILE_CODES = {"bad_message", "bad_choice", "wrong_question", "not_joined"}
# How often the host screens get the live answer count (per worker).
ANSWER_COUNT_SECONDS = 0.3
STATE_EVERY_SECONDS = 1.0
INTERNAL_PREFIX = '{"type":"contest._'
NOT_JOINED = gettext_lazy("Join the contest with its PIN first.")


def _db(function):
    """database_sync_to_async, with stale connections dropped first."""

    def call(*args, **kwargs):
        close_old_connections()
        return function(*args, **kwargs)

    return database_sync_to_async(call)


class AnswerCounter:
    """The host's live answer count, coalesced per worker: however many answers a
    worker takes, it counts them (one query) at most every 0.3 s."""

    def __init__(self):
        self.pending = {}  # contest id → position

    def bump(self, contest_id, position):
        if contest_id in self.pending:
            self.pending[contest_id] = position
            return
        self.pending[contest_id] = position
        asyncio.get_running_loop().call_later(
            ANSWER_COUNT_SECONDS,
            lambda: asyncio.ensure_future(self._flush(contest_id)),
        )

    async def _flush(self, contest_id):
        position = self.pending.pop(contest_id, None)
        if position is None:
            return
        try:
            frame = await _db(contests.answers_frame)(contest_id, position)
            await broadcast(contest_host_group(contest_id), frame)
        except Exception:  # the next answer sends a fresh count
            logger.exception("answer count of contest %s failed", contest_id)


answer_counter = per_event_loop(AnswerCounter)


class AnswerBatcher:
    """Saves the answers this worker receives in batches: while one batch is in
    the database, the answers arriving meanwhile wait for the next. 2,000 phones
    answering together cost a few transactions, not 2,000 commits."""

    MAX_BATCH = 500

    def __init__(self):
        self.pending = []
        self.task = None

    async def submit(self, submission):
        future = asyncio.get_running_loop().create_future()
        self.pending.append((submission, future))
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self):
        while self.pending:
            batch = self.pending[: self.MAX_BATCH]
            del self.pending[: self.MAX_BATCH]
            try:
                outcomes = await _db(contests.submit_answers)([s for s, _f in batch])
            except Exception as error:  # each waiting socket reports it
                outcomes = [error] * len(batch)
            for (_submission, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)


answer_batcher = per_event_loop(AnswerBatcher)


class ContestSocket(JsonFrameConsumer):
    """What both sockets share: errors from the services as frames, a lazy close
    when a refusal says the deadline has passed, and the clock armed from every
    deadline this worker sees."""

    contest_id = None
    last_state = 0.0

    async def refused(self, error):
        await self.send_error(error.code, error.message)
        if error.code == "too_late":
            await close_and_announce(self.contest_id)
        if error.code in HOSTILE_CODES:
            self.bad_frames += 1
            if self.bad_frames > MAX_BAD_FRAMES:
                await self.close(code=CLOSE_BAD_CLIENT)

    async def server_error(self, what, error=None):
        logger.error("contest socket: %s failed", what, exc_info=error or True)
        await self.send_error(
            "server_error",
            _("The server could not handle this message. Please try again."),
        )

    async def send_state(self, loaded=None):
        """The whole screen again (a reconnect, or the client asking)."""
        now = time.monotonic()
        if now - self.last_state < STATE_EVERY_SECONDS:
            return
        self.last_state = now
        state = await _db(self.state)(loaded)
        question = state.get("question")
        if question and question.get("deadline"):
            contest_clock().arm(self.contest_id, question["deadline"])
            if question["remaining_ms"] == 0:
                await close_and_announce(self.contest_id)
        await self.send_frame(state)

    async def on_state(self, frame):
        if self.contest_id is None:
            await self.refused(QuizError("not_joined", NOT_JOINED))
            return
        await self.send_state()

    def on_broadcast(self, text):
        """Written as it is; a deadline it carries also arms this worker's clock."""
        if self.contest_id is not None:
            watch_frame(self.contest_id, text)
        return True


class PlayerConsumer(ContestSocket):
    """A player's phone: ``ws/contest/play/``."""

    handlers = {
        "hello": "on_hello",
        "answer": "on_answer",
        "state": "on_state",
        "ping": "on_ping",
    }
    player_id = None

    async def connect(self):
        await self.accept()
        token = self.scope.get("cookies", {}).get(PLAYER_COOKIE)
        if token:
            await self.enter(token, quiet=True)

    async def enter(self, token, quiet=False):
        player = await _db(contests.player_for_token)(token)
        if player is None or player.kicked_at or not player.contest.is_live:
            if not quiet:
                await self.send_error("not_joined", NOT_JOINED)
                await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.player_id, self.contest_id = player.pk, player.contest_id
        await self.fanout_join(contest_group(self.contest_id))
        await self.send_state(player)

    def state(self, loaded=None):
        if loaded is not None:
            return contests.player_state(loaded, fresh=True)
        return contests.player_state(ContestPlayer(pk=self.player_id))

    async def on_hello(self, frame):
        if self.player_id is not None:
            await self.send_state()
            return
        token = frame.get("token")
        await self.enter(token if isinstance(token, str) else "")

    async def on_answer(self, frame):
        if self.player_id is None:
            await self.refused(QuizError("not_joined", NOT_JOINED))
            return
        submission = contests.Submission(
            player_id=self.player_id,
            question=frame.get("question"),
            choice=frame.get("choice"),
            received_at=timezone.now(),  # the deadline judges this moment
        )
        answered = await answer_batcher().submit(submission)
        if isinstance(answered, QuizError):
            await self.refused(answered)
            if answered.code == "removed":
                await self.close(code=CLOSE_REMOVED)
            return
        if isinstance(answered, Exception):
            await self.server_error("answer", answered)
            return
        # Received, and nothing more: right or wrong is told after the timer.
        await self.send_frame(
            {
                "type": "contest.answered",
                "question": answered.answer.position,
                "choice": answered.answer.choice,
            }
        )
        if answered.created:
            answer_counter().bump(self.contest_id, answered.answer.position)

    def on_broadcast(self, text):
        """Broadcasts to all players are written as they are, except the internal
        ones, which ``send_raw`` makes this player's own frame."""
        return super().on_broadcast(text) and not text.startswith(INTERNAL_PREFIX)

    async def send_raw(self, text):
        """An internal broadcast (parsed once per worker) as this player's frame."""
        message = parsed(text)
        if message["type"] == "contest._standings":
            entry = message["by_player"].get(str(self.player_id))
            if entry is not None:
                await self.send_frame(
                    contests.result_frame(
                        entry,
                        question=message["question"],
                        players=message["players"],
                        final=message["final"],
                    )
                )
        elif message["type"] == "contest._kick" and message["player"] == self.player_id:
            await self.send_frame(
                {
                    "type": "contest.removed",
                    "message": str(_("You were removed from this contest.")),
                }
            )
            await self.close(code=CLOSE_REMOVED)


class HostConsumer(ContestSocket):
    """A host screen: ``ws/contest/host/<contest_id>/``."""

    handlers = {
        "start": "on_action",
        "next": "on_action",
        "skip": "on_action",
        "pause": "on_action",
        "resume": "on_action",
        "kick": "on_action",
        "end": "on_action",
        "state": "on_state",
        "ping": "on_ping",
    }

    async def connect(self):
        await self.accept()
        contest_id = self.scope["url_route"]["kwargs"]["contest_id"]
        allowed = await _db(self._allowed)(contest_id)
        if not allowed:
            await self.send_error("forbidden", _("You may not run this contest."))
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.contest_id = contest_id
        await self.fanout_join(contest_host_group(contest_id))
        await self.send_state()

    def _allowed(self, contest_id):
        contest = Contest.objects.filter(pk=contest_id).first()
        return contest is not None and contests.can_host(
            self.scope.get("user"), contest
        )

    def state(self, _loaded=None):
        return contests.host_state(Contest(pk=self.contest_id))

    async def on_action(self, frame):
        if self.contest_id is None:
            return
        try:
            announcement = await _db(contests.host_action)(
                contest_id=self.contest_id,
                actor=self.scope.get("user"),
                action=frame["type"],
                frame=frame,
            )
        except QuizError as error:
            await self.refused(error)
            return
        except Exception:
            await self.server_error(frame["type"])
            return
        await announce(announcement)
