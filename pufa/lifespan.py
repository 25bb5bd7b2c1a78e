"""Background loops that live as long as the server (ASGI lifespan).

Each worker process starts the loops named in ``settings.PUFA_BACKGROUND_LOOPS``
(dotted paths of ``async def run()`` coroutines) when it starts and cancels them when
it stops. The exam's deadline sweeper is one: attempts are submitted at their
deadline whether or not any client is connected, and right after a restart.
Loops must be safe to run in several workers at once (the sweeper locks rows).
"""

import asyncio
import gc
import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


async def _guarded(path, loop_function):
    """Run a loop; if it crashes, log and start it again (a bug must not stop
    deadlines for good)."""
    while True:
        try:
            await loop_function()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("background loop %s crashed; restarting in 1 s", path)
            await asyncio.sleep(1)


# Young collections every 50,000 allocations instead of 700: a worker holding
# 1,000 sockets allocates fast, and at 700 the objects of answers in flight were
# promoted and then swept by full collections, every ~12 s, each stopping the
# worker's event loop (every socket of it) for 200-660 ms on the 2-core test
# machine. At 50,000 they die young; a young collection takes a few ms.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector():
    """Take what the worker loaded to start (Django, Wagtail, the URL conf…:
    ~170,000 objects that live as long as the worker) out of the collector's
    sight — full collections no longer walk them (110 ms each here); refcounting
    still frees them — and collect young objects less often (``GC_THRESHOLDS``)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class LifespanApp:
    async def __call__(self, scope, receive, send):
        tasks = []
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                tune_garbage_collector()
                for path in getattr(settings, "PUFA_BACKGROUND_LOOPS", ()):
                    task = asyncio.create_task(_guarded(path, import_string(path)))
                    tasks.append(task)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await send({"type": "lifespan.shutdown.complete"})
                return
