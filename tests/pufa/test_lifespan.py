"""The server's lifespan starts the background loops and stops them with it."""

import asyncio
import subprocess
import sys

import pytest

from pufa import lifespan
from pufa.lifespan import LifespanApp

calls = []


async def fake_loop():
    calls.append("started")
    try:
        await asyncio.sleep(3600)
    finally:
        calls.append("stopped")


crashes = {"n": 0}


async def crashing_loop():
    crashes["n"] += 1
    if crashes["n"] < 3:
        raise RuntimeError("boom")
    await asyncio.sleep(3600)


@pytest.fixture(autouse=True)
def collector_tunings(monkeypatch):
    """Counted here, not done: freezing would freeze the test process's heap."""
    tunings = []
    monkeypatch.setattr(lifespan, "tune_garbage_collector", lambda: tunings.append(1))
    return tunings


async def run_lifespan(app, during):
    inbox = asyncio.Queue()
    outbox = []

    async def receive():
        return await inbox.get()

    async def send(message):
        outbox.append(message["type"])

    server = asyncio.create_task(app({"type": "lifespan"}, receive, send))
    await inbox.put({"type": "lifespan.startup"})
    await during()
    await inbox.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(server, 5)
    return outbox


async def test_loops_start_with_the_worker_and_stop_with_it(settings):
    settings.PUFA_BACKGROUND_LOOPS = ["tests.pufa.test_lifespan.fake_loop"]
    calls.clear()

    async def during():
        for _ in range(100):
            if calls:
                break
            await asyncio.sleep(0.01)
        assert calls == ["started"]

    outbox = await run_lifespan(LifespanApp(), during)
    assert outbox == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert calls == ["started", "stopped"]


async def test_each_worker_tunes_its_garbage_collector_at_start(collector_tunings):
    async def during():
        for _ in range(100):
            if collector_tunings:
                break
            await asyncio.sleep(0.01)
        assert collector_tunings == [1]

    await run_lifespan(LifespanApp(), during)


def test_the_tuning_freezes_the_startup_heap_and_collects_young_objects_less_often():
    script = (
        "import gc, pufa.lifespan as l; l.tune_garbage_collector(); "
        "print(gc.get_freeze_count(), *gc.get_threshold())"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, *thresholds = map(int, output)
    assert frozen > 10_000  # Django and what it imported
    assert tuple(thresholds) == lifespan.GC_THRESHOLDS


async def test_a_crashing_loop_is_restarted(settings):
    settings.PUFA_BACKGROUND_LOOPS = ["tests.pufa.test_lifespan.crashing_loop"]
    crashes["n"] = 0

    async def during():
        for _ in range(400):
            if crashes["n"] >= 3:
                break
            await asyncio.sleep(0.01)

    await run_lifespan(LifespanApp(), during)
    assert crashes["n"] == 3
