"""The server's lifespan starts the background loops and stops them with it."""

import asyncio

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
