"""Reliability of the live exam with real processes (issue 6, reliability 1, 2, 5).

Each test starts its own uvicorn (and, for the Redis layer, its own redis-server) on
free ports, with a database of its own, and drives it with real WebSocket clients.
"""

import asyncio
import json
import random
import shutil
import time

import pytest
import websockets

from pufa.fanout import broadcast
from quizzes.groups import sitting_group
from tests.support.exam_client import ExamClient
from tests.support.servers import LiveSite, RedisServer

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not shutil.which("redis-server"),
        reason="redis-server is not installed: the Redis-layer tests need it",
    ),
]


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def open_site(redis_url, workers):
    return LiveSite(workers=workers, extra_env={"REDIS_URL": redis_url}).prepare(
        demo=False
    )


def sitting_for(site, candidates, *extra):
    return json.loads(site.run_module("tests.support.exam_setup", candidates, *extra))


def saved_answers(site, sitting):
    """{candidate id: {position: choice}} as the database holds them, with each
    attempt's status and who submitted it."""
    return json.loads(site.run_module("tests.support.exam_setup", "dump", sitting))


async def connect_all(site, cookies):
    clients = [ExamClient(site.base_url, cookie) for cookie in cookies]
    await asyncio.gather(*(client.connect() for client in clients))
    await asyncio.gather(*(client.start() for client in clients))
    return clients


async def reconnect(client, attempts=60):
    for _ in range(attempts):
        try:
            await client.close()
            client.state = None
            await client.connect(timeout=10)
            return await client.start()
        except (OSError, TimeoutError, Exception):
            await asyncio.sleep(0.5)
    raise AssertionError("could not reconnect")


def choice_for(client, position):
    """An answer valid for the question at ``position`` of this client's paper."""
    question = client.state["paper"]["questions"][position - 1]
    return [random.randrange(len(question["options"]))]


def test_killed_worker_loses_no_acked_answer(redis_server):
    """Two workers on Redis, 50 candidates mid-paper; kill -9 a worker: its
    candidates reconnect and every acked answer is there."""
    site = open_site(redis_server.url, workers=2)
    try:
        site.start()
        setup = sitting_for(site, 50)
        acked = asyncio.run(_killed_worker_run(site, setup))
        saved = saved_answers(site, setup["sitting"])
        for candidate, answers in acked.items():
            for position, choice in answers.items():
                assert saved["answers"][str(candidate)][str(position)] == choice
    finally:
        site.close()


async def _killed_worker_run(site, setup):
    clients = await connect_all(site, setup["cookies"])
    acked = {c: {} for c in setup["candidates"]}
    by_client = dict(zip(clients, setup["candidates"], strict=True))

    async def answer_loop(client, positions):
        for position in positions:
            choice = choice_for(client, position)
            while True:
                try:
                    frame, _ = await client.answer(position, choice, timeout=10)
                except (ConnectionError, TimeoutError, websockets.ConnectionClosed):
                    await reconnect(client)
                    continue
                if frame["type"] == "ack":
                    acked[by_client[client]][position] = choice
                    break
                raise AssertionError(frame)
            await asyncio.sleep(random.uniform(0.05, 0.3))

    await asyncio.gather(*(answer_loop(c, [1, 2]) for c in clients))
    rest = asyncio.gather(*(answer_loop(c, [3, 4, 5]) for c in clients))
    await asyncio.sleep(0.3)
    assert site.kill_busiest_worker(), "no worker to kill"
    await rest
    assert sum(client.drops for client in clients), "the kill closed no socket"
    # Reconnecting shows every acked answer in the state.
    for client in clients:
        state = await reconnect(client)
        for position, choice in acked[by_client[client]].items():
            assert state["answers"][str(position)] == choice
    await asyncio.gather(*(c.close() for c in clients))
    return acked


def test_attempts_are_submitted_when_the_server_was_down_over_the_deadline(
    redis_server,
):
    """Stop the server before the deadline, start it after: the attempts are
    submitted at once, with every answer acked before the stop."""
    site = open_site(redis_server.url, workers=1)
    try:
        site.start()
        setup = sitting_for(site, 5, 60, 40)  # the window closes in 40 s
        acked = asyncio.run(_answer_some(site, setup))
        site.stop()
        deadline = setup["closes_at"]
        time.sleep(max(0, deadline - time.time()) + 7)  # past deadline + grace
        site.start()
        for _ in range(60):
            saved = saved_answers(site, setup["sitting"])
            if all(s == "graded" for s in saved["status"].values()):
                break
            time.sleep(1)
        assert set(saved["status"].values()) == {"graded"}
        assert set(saved["submitted_by"].values()) == {"deadline"}
        for candidate, answers in acked.items():
            for position, choice in answers.items():
                assert saved["answers"][str(candidate)][str(position)] == choice
    finally:
        site.close()


async def _answer_some(site, setup):
    clients = await connect_all(site, setup["cookies"])
    acked = {}
    for client, candidate in zip(clients, setup["candidates"], strict=True):
        acked[candidate] = {}
        for position in (1, 2, 3):
            choice = choice_for(client, position)
            frame, _ = await client.answer(position, choice)
            assert frame["type"] == "ack", frame
            acked[candidate][position] = choice
    await asyncio.gather(*(c.close() for c in clients))
    return acked


IDLE_SOCKETS = 2000


def test_idle_sockets_stay_open_and_get_the_next_notice(redis_server):
    """2,000 sockets idle for 60 s on the Redis layer: none dropped, and all
    receive the notice sent after."""
    site = open_site(redis_server.url, workers=2)
    try:
        site.start()
        setup = sitting_for(site, IDLE_SOCKETS)
        asyncio.run(_idle_run(site, setup))
    finally:
        site.close()


async def _idle_run(site, setup):
    semaphore = asyncio.Semaphore(100)
    clients = [ExamClient(site.base_url, cookie) for cookie in setup["cookies"]]

    async def connect(client):
        async with semaphore:
            await client.connect(timeout=60)

    await asyncio.gather(*(connect(c) for c in clients))
    await asyncio.sleep(60)
    assert sum(c.closed.is_set() for c in clients) == 0
    marks = [len(c.frames) for c in clients]
    await broadcast(
        sitting_group(setup["sitting"]),
        {"type": "notice", "text": "请注意：还有十分钟", "at": 0},
        layer=site.channel_layer(),
    )
    for client, mark in zip(clients, marks, strict=True):
        frame = await client.wait_for("notice", timeout=60, since=mark)
        assert frame["text"] == "请注意：还有十分钟"
    assert sum(c.closed.is_set() for c in clients) == 0
    await asyncio.gather(*(c.close() for c in clients))
