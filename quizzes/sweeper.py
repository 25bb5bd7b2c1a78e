"""The deadline sweeper: submits overdue attempts and tells their sockets.

Started with the server (``pufa.lifespan``, in every worker; the services lock rows
so concurrent sweeps are harmless) or on its own (``manage.py exam_sweeper``).
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from django.db import close_old_connections

from pufa.fanout import broadcast
from quizzes.groups import attempt_group, proctor_group
from quizzes.services.exams import sweep

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 2


def _sweep_once():
    close_old_connections()
    return [
        (attempt.pk, attempt.candidate_id, attempt.candidate.sitting_id)
        for attempt in sweep()
    ]


async def sweep_and_notify():
    submitted = await database_sync_to_async(_sweep_once)()
    for attempt_id, candidate_id, sitting_id in submitted:
        await broadcast(
            attempt_group(attempt_id), {"type": "submitted", "by": "deadline"}
        )
        await broadcast(
            proctor_group(sitting_id),
            {"type": "candidate", "candidate": candidate_id, "status": "graded"},
        )
    return submitted


async def run():
    while True:
        try:
            submitted = await sweep_and_notify()
            if submitted:
                logger.info("sweeper submitted %d overdue attempts", len(submitted))
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be restarting: try again next round
            logger.exception("sweeper round failed")
        await asyncio.sleep(INTERVAL_SECONDS)
