"""The live exam's sockets: a candidate's paper and a proctor's board.

Consumers only translate (``docs/protocol.md``): parse the frame, check who is
asking, call ``quizzes.services.live`` / ``quizzes.services.board`` through
``database_sync_to_async``, reply, and hand the service's broadcasts to a sender
task so that saving answers never waits behind the proctor board.
"""

import asyncio
import logging
import uuid
from collections import defaultdict, deque
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from pufa.fanout import broadcast, broadcast_many, parsed, per_event_loop
from pufa.sockets import (
    CLOSE_BAD_CLIENT,
    CLOSE_TAKEN_OVER,
    CLOSE_UNAUTHORISED,
    MAX_BAD_FRAMES,
    JsonFrameConsumer,
)
from quizzes import answer_loop, presence
from quizzes.exam_session import login_of
from quizzes.groups import attempt_group, proctor_group, sitting_group
from quizzes.services import board, live
from quizzes.services.errors import QuizError

logger = logging.getLogger(__name__)

# Refusals only a broken or hostile client earns: they count towards the close.
HOSTILE_CODES = {"bad_message", "bad_position", "bad_choice"}


class BroadcastOutbox:
    """Sends a consumer's broadcasts in order, in a task of their own, so that
    the reply to the candidate never waits for the channel layer."""

    def __init__(self):
        self.queue = deque()
        self.task = None

    def put(self, broadcasts):
        self.queue.extend(broadcasts)
        if self.queue and (self.task is None or self.task.done()):
            self.task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self):
        while self.queue:
            group, payload = self.queue.popleft()
            try:
                await broadcast(group, payload)
            except Exception:  # the receivers miss one update; the socket goes on
                logger.exception("broadcast to %s failed", group)

    async def flush(self):
        if self.task is not None:
            await self.task


class BoardFeed:
    """The proctor boards' row changes seen by this worker, sent together every
    ``FLUSH_SECONDS``: one layer message per sitting and interval instead of one
    per answer (2,000 candidates answering make 200 changes a second). Of a
    candidate's answer counts waiting together, only the latest is sent."""

    FLUSH_SECONDS = 0.3

    def __init__(self):
        self.pending = defaultdict(list)
        self.armed = False

    def put(self, group, payload):
        waiting = self.pending[group]
        if payload.get("event") == "answer":
            waiting[:] = [
                other
                for other in waiting
                if not (
                    other.get("event") == "answer"
                    and other.get("candidate") == payload.get("candidate")
                )
            ]
        waiting.append(payload)
        if not self.armed:
            self.armed = True
            loop = asyncio.get_running_loop()
            loop.call_later(self.FLUSH_SECONDS, lambda: loop.create_task(self.flush()))

    async def flush(self):
        self.armed = False
        pending, self.pending = self.pending, defaultdict(list)
        for group, payloads in pending.items():
            try:
                await broadcast_many(group, payloads)
            except Exception:  # the board misses these; the next change redraws a row
                logger.exception("board feed to %s failed", group)


# This worker's (event loop's) feed.
board_feed = per_event_loop(BoardFeed)


class ExamConsumer(JsonFrameConsumer):
    """A candidate's socket: ``ws/exam/?device=<id>``, logged in by ticket."""

    handlers = {
        "start": "on_start",
        "answer": "on_answer",
        "focus": "on_focus",
        "submit": "on_submit",
        "ping": "on_ping",
    }

    login = None
    sitting_id = None
    phase = ""  # the type of the last screen sent: lobby, state or result

    async def connect(self):
        self.socket_id = uuid.uuid4().hex  # this socket, in the presence cache
        self.outbox = BroadcastOutbox()
        self.tasks = set()
        self.attempt_groups = set()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        device = (query.get("device") or [""])[0]
        await self.accept()
        try:
            outcome = await database_sync_to_async(self._open)(device)
        except QuizError as error:
            await self.send_error(error.code, error.message)
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        await self.fanout_join(sitting_group(self.sitting_id))
        await self._follow_attempt(outcome.reply)
        await self._reply(outcome)
        self._broadcast([self._event("connect", online=True), *outcome.broadcasts])

    async def receive(self, text_data=None, bytes_data=None):
        if self.login is None:  # refused at connect; the close is on its way
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    def _open(self, device):
        login = login_of(self.scope["session"], device)
        outcome = live.current(login, claim=True)
        self.login = login
        self.sitting_id = live.sitting_id_of(login)
        presence.socket_seen(login.candidate_id, self.socket_id)
        return outcome

    def _broadcast(self, broadcasts):
        """Roster changes go to the boards with this worker's feed; the rest
        (to the candidate's other sockets, to the sitting) in order at once."""
        boards = proctor_group(self.sitting_id)
        feed = board_feed()
        others = []
        for group, payload in broadcasts:
            if group == boards:
                feed.put(group, payload)
            else:
                others.append((group, payload))
        self.outbox.put(others)

    def _event(self, event, **fields):
        return (
            proctor_group(self.sitting_id),
            {
                "type": "candidate",
                "candidate": self.login.candidate_id,
                "event": event,
                **fields,
            },
        )

    async def _follow_attempt(self, reply):
        attempt_id = reply.get("attempt")
        if attempt_id and attempt_id not in self.attempt_groups:
            self.attempt_groups.add(attempt_id)
            await self.fanout_join(attempt_group(attempt_id))

    async def _reply(self, outcome):
        self.phase = outcome.reply["type"]
        await self.send_frame(outcome.reply)

    async def call(self, function, *, echo=None, parallel=False, **kwargs):
        """Run a ``live`` service, reply and broadcast; errors become frames.

        ``parallel`` runs it in the thread pool instead of the worker's one
        database thread: answers (every candidate, every click) then wait only
        for their own row lock, not behind every other socket's call.
        """
        extra = {"seq": echo} if type(echo) is int else {}
        run = (
            database_sync_to_async(function, thread_sensitive=False)
            if parallel
            else database_sync_to_async(function)
        )
        try:
            outcome = await run(self.login, **kwargs)
        except QuizError as error:
            await self.send_error(error.code, error.message, **extra)
            if error.code == "not_logged_in":
                await self.close(code=CLOSE_UNAUTHORISED)
            elif error.code in HOSTILE_CODES:
                self.bad_frames += 1
                if self.bad_frames > MAX_BAD_FRAMES:
                    await self.close(code=CLOSE_BAD_CLIENT)
            return
        except Exception:
            logger.exception("exam socket: %s failed", function.__name__)
            await self.send_error(
                "server_error",
                _("The server could not handle this message. Please try again."),
                **extra,
            )
            return
        await self._follow_attempt(outcome.reply)
        await self._reply(outcome)
        self._broadcast(outcome.broadcasts)

    async def on_start(self, frame):
        await self.call(live.start)

    async def on_answer(self, frame):
        if answer_loop.enabled():
            outcome = await answer_loop.loop_answers().answer(
                self.login,
                position=frame.get("position"),
                choice=frame.get("choice"),
                seq=frame.get("seq"),
            )
            if outcome is not None:
                await self._reply(outcome)
                self._broadcast(outcome.broadcasts)
                return
        await self.call(
            live.answer,
            echo=frame.get("seq"),
            parallel=True,
            position=frame.get("position"),
            choice=frame.get("choice"),
            seq=frame.get("seq"),
        )

    async def on_focus(self, frame):
        await self.call(live.focus, kind=frame.get("kind"), at=frame.get("at"))

    async def on_submit(self, frame):
        await self.call(live.submit)

    async def on_ping(self, frame):
        await super().on_ping(frame)
        # The cache only: any thread will do, not the worker's one sync thread.
        await sync_to_async(presence.socket_seen, thread_sensitive=False)(
            self.login.candidate_id, self.socket_id
        )

    # --- broadcasts from the sitting's and the attempt's groups ---------------

    # Broadcasts that need this socket's own answer, not the text as it is.
    OWN_ANSWER = frozenset({"takeover", "refresh", "submitted"})

    def on_broadcast(self, text):
        """Most broadcasts are written as they are; the fan-out parses each once
        per worker to find the few this socket must answer itself."""
        try:
            message = parsed(text)
        except ValueError:
            return False
        return message.get("type") not in self.OWN_ANSWER

    async def send_raw(self, text):
        """A broadcast that needs this socket's own answer (the database, in a
        task: the fan-out must not wait for it), or one that did not parse."""
        try:
            message = parsed(text)
        except ValueError:
            return
        kind = message.get("type")
        if kind == "takeover":
            if message.get("device") != self.login.device:
                await self.send_frame({"type": "takeover"})
                await self.close(code=CLOSE_TAKEN_OVER)
        elif kind == "refresh":
            only = message.get("only")
            if not only or self.phase in only:
                self._in_background(self._refresh())
        elif kind == "submitted" and self.phase == "state":
            await self.send(text_data=text)
            self._in_background(self._refresh())

    def _in_background(self, coroutine):
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _refresh(self):
        """Send the screen the candidate should see now (after a submit by the
        proctor or the deadline, a readmission, the sitting opening)."""
        await self.call(live.current, claim=False)

    async def disconnect(self, code):
        for task in list(getattr(self, "tasks", ())):
            task.cancel()
        if self.login is None or self.sitting_id is None:
            return
        still_online = await database_sync_to_async(presence.socket_closed)(
            self.login.candidate_id, self.socket_id
        )
        self._broadcast([self._event("disconnect", online=still_online)])
        await self.outbox.flush()


class ProctorConsumer(JsonFrameConsumer):
    """A proctor board's socket: ``ws/proctor/<sitting_id>/``. Receives the roster,
    then every change; proctors act through the board's HTTP actions."""

    handlers = {"ping": "on_ping"}

    async def connect(self):
        await self.accept()
        sitting_id = self.scope["url_route"]["kwargs"]["sitting_id"]
        roster = await database_sync_to_async(board.roster_for)(
            self.scope.get("user"), sitting_id
        )
        if roster is None:
            await self.send_error(
                "forbidden", _("You are not a proctor of this sitting.")
            )
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        await self.fanout_join(proctor_group(sitting_id))
        await self.send_frame(roster)
