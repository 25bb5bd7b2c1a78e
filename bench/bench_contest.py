"""A live quiz contest under load (issue 7): 2,000 players in one contest.

PostgreSQL, the Redis channel layer, 2 uvicorn workers; the players are real
WebSocket clients in this process (loopback), the host screen one more. Per question:

- the host presses "next" (or "start"): time until every player has the question,
  against a bare `websockets` server broadcasting a frame of the same size to as many
  sockets, its rounds interleaved with the contest's on the same machine (goal ≤ 2×);
- every player answers at once: time until every answer is acknowledged;
- the server's timer ends the question: time from its deadline to the reveal with
  the leaderboard on the host screen (goal ≤ 1 s), and to every player's own result.

    BENCH_PLAYERS=2000 BENCH_QUESTIONS=5 BENCH_SECONDS=15 python bench/bench_contest.py
"""

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PLAYERS = int(os.environ.get("BENCH_PLAYERS", "2000"))
QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "5"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
import live_stack  # noqa: E402, F401  (PostgreSQL + Redis, Django set up)
import websockets  # noqa: E402
from bench_broadcast import start, stop  # noqa: E402
from ws_clients import Crowd, summary  # noqa: E402

from tests.support.servers import LiveSite, free_port  # noqa: E402

ORIGIN = "http://127.0.0.1"


def starts(kind):
    prefix = '{"type":"' + kind + '"'
    return lambda message: message.startswith(prefix)


class Host:
    """The host screen's socket: every frame kept with its arrival (wall clock)."""

    def __init__(self, url, cookie):
        self.url, self.cookie = url, cookie
        self.frames = asyncio.Queue()

    async def open(self):
        self.socket = await websockets.connect(
            self.url, origin=ORIGIN, additional_headers=[("Cookie", self.cookie)]
        )
        self.reader = asyncio.create_task(self._read())
        return await self.wait("contest.state")

    async def _read(self):
        async for message in self.socket:
            await self.frames.put((time.time(), json.loads(message)))

    async def send(self, frame):
        await self.socket.send(json.dumps(frame))

    async def wait(self, kind, timeout=60):
        while True:
            at, frame = await asyncio.wait_for(self.frames.get(), timeout)
            if frame["type"] == kind:
                frame["_at"] = at
                return frame
            if frame["type"] == "error":
                raise RuntimeError(f"host error: {frame}")

    async def close(self):
        self.reader.cancel()
        await self.socket.close()


async def bare_crowd():
    """The baseline: a bare `websockets` server with as many clients, kept open
    for the whole run so that its rounds interleave with the contest's."""
    port = free_port()
    server = start(
        [sys.executable, str(ROOT / "bench" / "ws_bare_server.py"), str(port)], port
    )
    control = await websockets.connect(f"ws://127.0.0.1:{port}/")
    await control.recv()
    crowd = Crowd(f"ws://127.0.0.1:{port}/", PLAYERS, origin=ORIGIN)
    await crowd.connect()
    return server, control, crowd


async def bare_round(control, crowd, size, number):
    text = json.dumps(
        {"type": "contest.question", "round": number, "text": ""}, separators=(",", ":")
    )
    text = text[:-2] + "x" * max(0, size - len(text)) + '"}'

    async def trigger():
        await control.send("go " + text)

    return await crowd.time_to_all(text, trigger)


async def play(site, setup):
    ws = site.base_url.replace("http://", "ws://")
    tokens = setup["tokens"]
    host = Host(f"{ws}/ws/contest/host/{setup['contest']}/", setup["host_cookie"])
    await host.open()
    crowd = Crowd(
        f"{ws}/ws/contest/play/",
        PLAYERS,
        origin=ORIGIN,
        headers=lambda index: [("Cookie", f"pufa_contest={tokens[index]}")],
        ready=starts("contest.state"),
    )
    began = time.perf_counter()
    await crowd.connect()
    connect_seconds = time.perf_counter() - began
    bare_server, control, bare = await bare_crowd()

    figures = {
        "question": [],
        "bare": [],
        "acks": [],
        "reveal": [],
        "results": [],
        "size": 300,
    }
    answered = []
    for number in range(1, QUESTIONS + 1):
        # Settle, then the baseline right before the contest's step (A B A B …).
        await asyncio.sleep(1)
        for round_number in range(3):
            figures["bare"].append(
                await bare_round(
                    control, bare, figures["size"], number * 10 + round_number
                )
            )
            await asyncio.sleep(0.3)
        step = (
            {"type": "start"}
            if number == 1
            else {"type": "next", "phase": "leaderboard", "question": number - 1}
        )

        async def press(step=step):
            await host.send(step)

        figures["question"].append(
            await crowd.time_to_all_matching(
                lambda m, n=number: (
                    m.startswith('{"type":"contest.question"')
                    and f'"question":{n},' in m
                ),
                press,
            )
        )
        question = await host.wait("contest.question")
        del question["_at"]
        figures["size"] = len(json.dumps(question, ensure_ascii=False).encode())
        options = len(question["options"])

        async def answer_all(n=number, options=options):
            await asyncio.gather(
                *(
                    socket.send(
                        json.dumps(
                            {
                                "type": "answer",
                                "question": n,
                                "choice": [random.randrange(options)],
                            }
                        )
                    )
                    for socket in crowd.sockets
                )
            )

        figures["acks"].append(
            await crowd.time_to_all_matching(starts("contest.answered"), answer_all)
        )

        async def nothing():
            pass

        waiting_since = time.time()
        results = asyncio.create_task(
            crowd.time_to_all_matching(
                starts("contest.result"), nothing, timeout=SECONDS + 60
            )
        )
        reveal = await host.wait("contest.reveal", timeout=SECONDS + 60)
        deadline = question["deadline"] / 1000
        figures["reveal"].append(reveal["_at"] - deadline)
        answered.append(reveal["answered"])
        last_result = waiting_since + await results
        figures["results"].append(last_result - deadline)

        async def to_board(n=number):
            await host.send({"type": "next", "phase": "reveal", "question": n})

        await crowd.time_to_all_matching(starts("contest.leaderboard"), to_board)
    await host.send({"type": "end"})
    await host.wait("contest.ended")
    dropped = crowd.dropped
    for one in (crowd, bare):
        await one.close()
    await control.close()
    await host.close()
    stop(bare_server)
    return connect_seconds, figures, answered, dropped


def main():
    site = LiveSite(workers=2).prepare(demo=False)
    try:
        site.start()
        setup = json.loads(
            site.run_module("tests.support.contest_setup", PLAYERS, QUESTIONS, SECONDS)
        )
        connect_seconds, figures, answered, dropped = asyncio.run(play(site, setup))
        saved = json.loads(
            site.run_module("tests.support.contest_setup", "dump", setup["contest"])
        )
    finally:
        site.close()

    question, bare = summary(figures["question"]), summary(figures["bare"])
    print(
        f"Live contest: {PLAYERS} players, {QUESTIONS} questions of {SECONDS} s, "
        "2 uvicorn workers, PostgreSQL + Redis"
    )
    print(f"  connect all players           {connect_seconds:7.1f} s")
    print(
        f"  host next → all have question p50 {question['p50'] * 1000:7.1f} ms  "
        f"max {question['max'] * 1000:7.1f} ms  "
        f"({', '.join(f'{s * 1000:.0f}' for s in figures['question'])})"
    )
    print(
        f"  bare websockets broadcast     p50 {bare['p50'] * 1000:7.1f} ms  "
        f"max {bare['max'] * 1000:7.1f} ms  ({len(figures['bare'])} rounds "
        f"interleaved, frames of {figures['size']} bytes)"
    )
    print(
        f"  ratio contest/bare (p50)      {question['p50'] / bare['p50']:7.2f}  "
        "(goal ≤ 2)"
    )
    print(
        "  all answers acknowledged      "
        + ", ".join(f"{s * 1000:.0f} ms" for s in figures["acks"])
    )
    print(
        "  deadline → reveal and board on the host screen  "
        + ", ".join(f"{s * 1000:.0f} ms" for s in figures["reveal"])
        + f"  (max {max(figures['reveal']) * 1000:.0f} ms, goal ≤ 1000 ms)"
    )
    print(
        "  deadline → every player has their own result    "
        + ", ".join(f"{s * 1000:.0f} ms" for s in figures["results"])
    )
    print(
        f"  answers in the reveal {answered}; in the database "
        f"{[saved['answers'].get(str(n), 0) for n in range(1, QUESTIONS + 1)]}; "
        f"sockets dropped {dropped}"
    )


if __name__ == "__main__":
    main()
