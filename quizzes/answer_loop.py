"""A candidate's answer saved on the worker's event loop (PostgreSQL).

The answer path's one statement (``exams.at_once_request``) sent from the event
loop over an async psycopg connection, with no hand-off to a thread: under 2,000
candidates each hand-off to the thread pool and back waited for the GIL behind
the loop and the other threads (server time per answer p99 44–70 ms against
p50 4–6 ms). Only the plain case runs here — the process knows the candidate's
attempt and the paper's shape, the message is well formed — and only what the
statement itself checks is decided here; for anything else (a resend, a refusal
to explain, an unknown attempt, a database error) ``answer`` returns None and the
consumer takes the full path in a thread, which decides and explains.

One small pool per worker (per event loop), opened on first use; autocommit,
as the statement is atomic on its own. ``EXAM_ANSWERS_ON_LOOP`` turns it off.
"""

import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool

from pufa.fanout import per_event_loop
from quizzes.services import exams, live

logger = logging.getLogger(__name__)

LOOP_CONNECTION_WAIT_SECONDS = 3.0
DJANGO_ONLY_OPTIONS = {"assume_role", "server_side_binding", "isolation_level"}


def enabled():
    return settings.EXAM_ANSWERS_ON_LOOP and connection.vendor == "postgresql"


class LoopAnswers:
    """This worker's answers on the event loop."""

    def __init__(self):
        self.pool = None

    async def _connection_pool(self):
        if self.pool is None:
            db = connection.settings_dict
            # libpq's own options (sslmode, …) too; not Django's.
            options = {
                key: value
                for key, value in (db.get("OPTIONS") or {}).items()
                if type(value) in (str, int) and key not in DJANGO_ONLY_OPTIONS
            }
            conninfo = make_conninfo(
                dbname=db["NAME"],
                user=db.get("USER") or None,
                password=db.get("PASSWORD") or None,
                host=db.get("HOST") or None,
                port=db.get("PORT") or None,
                **options,
            )
            self.pool = AsyncConnectionPool(
                conninfo,
                min_size=1,
                max_size=settings.EXAM_ANSWER_LOOP_CONNECTIONS,
                kwargs={"autocommit": True},
                # No connection within this long (PostgreSQL away, all busy):
                # the full path takes the answer rather than the candidate wait.
                timeout=LOOP_CONNECTION_WAIT_SECONDS,
                open=False,
                name="exam-answers",
            )
            await self.pool.open()
        return self.pool

    async def answer(self, login, *, position, choice, seq):
        """The ``live.answer`` outcome of a plain save, or None (full path)."""
        if login is None or not live.answer_frame_ok(
            position=position, choice=choice, seq=seq
        ):
            return None
        hint = exams.answer_hint(login.candidate_id)
        if hint is None or not exams.shape_is_known(hint[1]):
            return None
        request = exams.at_once_request(
            hint,
            candidate_id=login.candidate_id,
            ticket_id=login.ticket_id,
            device=login.device,
            position=position,
            choice=choice,
            client_seq=seq,
            now=timezone.now(),
        )
        if request is None:
            return None
        try:
            pool = await self._connection_pool()
            async with pool.connection() as conn:
                cursor = await conn.execute(request.sql, request.params)
                row = await cursor.fetchone()
        except Exception:  # the full path will meet (and report) it too
            logger.exception("exam answer on the event loop failed; full path")
            return None
        saved = request.result(row)
        if saved is None:
            return None
        return live.answer_outcome(saved, position=position, seq=seq)

    async def close(self):
        if self.pool is not None:
            await self.pool.close()
            self.pool = None


# This worker's (event loop's) instance.
loop_answers = per_event_loop(LoopAnswers)
