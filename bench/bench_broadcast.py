"""A notice to 2,000 sockets: pufa's fan-out vs stock Channels vs a bare server.

All three in one run, on loopback, the clients in their own process (this one), the
servers in theirs: uvicorn with 2 workers on the Redis channel layer for pufa and for
stock Channels; a bare `websockets` server for the baseline. 300-byte payload. Goal
(issues 6 and 7): fan-out ≤ 2x the bare server.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SOCKETS = int(os.environ.get("BENCH_SOCKETS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
PREFIX = f"pufa-bench-{uuid.uuid4().hex[:6]}"
os.environ.update(
    REDIS_URL=REDIS_URL, REDIS_PREFIX=PREFIX, PUFA_ENV="dev", DEBUG="false"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings.dev")

import django  # noqa: E402

django.setup()

from channels.layers import get_channel_layer  # noqa: E402
from ws_clients import Crowd, summary  # noqa: E402

from pufa.fanout import broadcast  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

PAYLOAD = "x" * 260


def start(command, port):
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    import socket

    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{command} did not start")


def stop(process):
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def serialise(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def round_payload(round_number):
    return {"type": "exam.notice", "round": round_number, "text": PAYLOAD}


async def measure(url, trigger_factory, payload_for=round_payload, parse=False):
    """``payload_for(round)``: the broadcast of each round; with ``parse``, each
    client parses every frame to recognise it (as an exam client does) instead
    of comparing its text."""
    crowd = Crowd(url, SOCKETS, origin="http://127.0.0.1")
    await crowd.connect()
    await asyncio.sleep(1)  # let subscriptions settle
    samples = []
    for round_number in range(ROUNDS + 2):
        payload = payload_for(round_number)
        trigger = trigger_factory(payload)
        if parse:
            elapsed = await crowd.time_to_all_matching(
                lambda message, payload=payload: json.loads(message) == payload,
                trigger,
            )
        else:
            elapsed = await crowd.time_to_all(serialise(payload), trigger)
        if round_number >= 2:  # warm-up rounds
            samples.append(elapsed)
        await asyncio.sleep(0.3)
    dropped = crowd.dropped
    await crowd.close()
    return summary(samples), dropped


async def bare(port, **measuring):
    """The bare server's broadcast (``measuring``: as for ``measure``)."""
    import websockets

    control = await websockets.connect(f"ws://127.0.0.1:{port}/")
    await control.recv()

    def trigger_factory(payload):
        async def trigger():
            await control.send("go " + serialise(payload))

        return trigger

    result = await measure(f"ws://127.0.0.1:{port}/", trigger_factory, **measuring)
    await control.close()
    return result


async def through_layer(port, path, group, stock):
    layer = get_channel_layer()

    def trigger_factory(payload):
        async def trigger():
            if stock:
                text = serialise(payload)
                await layer.group_send(group, {"type": "bench.notice", "text": text})
            else:
                await broadcast(group, payload)

        return trigger

    return await measure(f"ws://127.0.0.1:{port}/ws/{path}/{group}/", trigger_factory)


def main():
    results = {}
    port = free_port()
    server = start(
        [sys.executable, str(ROOT / "bench" / "ws_bare_server.py"), str(port)], port
    )
    try:
        results["bare websockets server"] = asyncio.run(bare(port))
    finally:
        stop(server)
    for name, path, stock in (
        ("pufa fan-out", "fanout", False),
        ("stock group_send", "stock", True),
    ):
        port = free_port()
        server = start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.broadcast_app:application",
                "--port",
                str(port),
                "--workers",
                "2",
                "--lifespan",
                "off",
                "--ws-per-message-deflate",
                "false",
                "--log-level",
                "warning",
            ],
            port,
        )
        try:
            time.sleep(2)
            results[name] = asyncio.run(
                through_layer(port, path, f"bench{uuid.uuid4().hex[:6]}", stock)
            )
        finally:
            stop(server)
    base = results["bare websockets server"][0]["p50"]
    print(f"Broadcast of a 300-byte notice to {SOCKETS} sockets, {ROUNDS} rounds (ms)")
    for name, (stats, dropped) in results.items():
        p50, p99 = stats["p50"] * 1000, stats["p99"] * 1000
        print(
            f"  {name:<24} p50 {p50:7.1f}  p99 {p99:7.1f}  "
            f"ratio(p50) {stats['p50'] / base:5.2f}  dropped sockets {dropped}"
        )


if __name__ == "__main__":
    main()
