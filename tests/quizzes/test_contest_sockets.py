"""The contest's sockets (ws/contest/play/ and ws/contest/host/<id>/) through the
full ASGI stack: cookies, the Origin check, the admin session, broadcasts."""

import datetime as dt
import io
import json

import pytest
import time_machine
from channels.db import database_sync_to_async

from quizzes.contest_clock import contest_clock, sweep_and_announce
from quizzes.contest_consumers import PLAYER_COOKIE
from quizzes.models import Contest, ContestAnswer, ContestPlayer
from quizzes.services import contests
from tests.factories import UserFactory
from tests.quizzes.contest_factories import join, make_contest
from tests.quizzes.live_support import Recorder, socket, user_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_in_memory_layer"),
]

START = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)
# Never in a player's frame while a question is open.
ANSWER_KEYS = {"correct", "explanation", "articles", "keys", "key", "option_order"}


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def player_socket(token=None):
    communicator = socket("/ws/contest/play/")
    if token:
        communicator.scope["headers"].append(
            (b"cookie", f"{PLAYER_COOKIE}={token}".encode())
        )
    return Recorder(communicator)


def host_socket(contest_id, session_key):
    return Recorder(socket(f"/ws/contest/host/{contest_id}/", session_key))


@database_sync_to_async
def setup(players=("小王", "小李"), **settings):
    contest = make_contest(**settings)
    joined = [join(contest, name) for name in players]
    host = UserFactory(username="host", is_superuser=True)
    return contest, joined, user_session(host)


def key_leaks(value, path="frame"):
    found = []
    if isinstance(value, dict):
        for name, inner in value.items():
            if name in ANSWER_KEYS:
                found.append(f"{path}.{name}")
            found += key_leaks(inner, f"{path}.{name}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += key_leaks(inner, f"{path}[{index}]")
    elif isinstance(value, str) and "因为条文如此规定" in value:
        found.append(f"{path} (explanation)")
    return found


async def connected(recorder, first="contest.state"):
    await recorder.connect()
    frame = await recorder.receive()
    assert frame["type"] == first, frame
    return frame


async def test_a_round_through_the_sockets_without_the_key_before_the_timer(clock):
    contest, (wang, li), user = await setup()
    host = host_socket(contest.pk, user)
    state = await connected(host)
    assert state["contest"]["pin"] == contest.pin
    assert {p["nickname"] for p in state["lobby"]} == {"小王", "小李"}
    phones = [player_socket(wang.token), player_socket(li.token)]
    for phone in phones:
        mine = await connected(phone)
        assert mine["contest"]["phase"] == "lobby"
    assert mine["player"]["nickname"] == "小李"

    await host.send({"type": "start"})
    question = await host.receive_type("contest.question")
    assert question["question"] == 1 and len(question["options"]) == 4
    for phone in phones:
        assert (await phone.receive())["type"] == "contest.question"

    ack = await phones[0].request({"type": "answer", "question": 1, "choice": [1]})
    assert ack == {"type": "contest.answered", "question": 1, "choice": [1]}
    clock.shift(4)
    again = await phones[0].request({"type": "answer", "question": 1, "choice": [2]})
    assert again["choice"] == [1]  # the first answer stands
    await phones[1].request({"type": "answer", "question": 1, "choice": [0]})
    count = await host.receive_type("contest.answers")
    assert count["answered"] <= count["players"] == 2

    # Every frame a phone got while the question was open: no key in any.
    for phone in phones:
        for frame in phone.frames:
            assert key_leaks(frame) == [], frame
    for frame in host.frames:
        assert key_leaks(frame) == [], frame

    await host.send({"type": "skip", "question": 1})
    reveal = await host.receive_type("contest.reveal")
    assert reveal["correct"] == [1] and reveal["counts"] == [1, 1, 0, 0]
    assert reveal["leaderboard"][0]["nickname"] == "小王"
    results = []
    for phone in phones:
        assert (await phone.receive())["type"] == "contest.reveal"
        results.append(await phone.receive())
    assert results[0] == {
        "type": "contest.result",
        "question": 1,
        "final": False,
        "score": 1000,
        "rank": 1,
        "players": 2,
        "points": 1000,
        "correct": True,
    }
    assert (results[1]["correct"], results[1]["score"], results[1]["rank"]) == (
        False,
        0,
        2,
    )
    # Nothing internal ever reaches a phone.
    assert not any(f["type"].startswith("contest._") for p in phones for f in p.frames)

    await host.send({"type": "next", "phase": "reveal", "question": 1})
    board = await host.receive_type("contest.leaderboard")
    assert board["last"] is False
    await host.send({"type": "end"})
    ended = await host.receive_type("contest.ended")
    assert [row["nickname"] for row in ended["podium"]] == ["小王", "小李"]
    await phones[1].receive_type("contest.ended")
    final = await phones[1].receive()
    assert (final["type"], final["final"], final["rank"]) == ("contest.result", True, 2)
    for recorder in (host, *phones):
        await recorder.close()


async def test_a_player_who_reconnects_keeps_name_score_and_answer(clock):
    contest, (wang, _li), _user = await setup()
    await database_sync_to_async(contests.start_contest)(
        contest_id=contest.pk, actor=None
    )
    phone = player_socket(wang.token)
    await connected(phone)
    await phone.request({"type": "answer", "question": 1, "choice": [1]})
    await phone.close()

    back = player_socket(wang.token)
    state = await connected(back)
    assert state["player"]["nickname"] == "小王"
    assert state["answered"] == [1]
    assert state["question"]["question"] == 1
    assert key_leaks(state) == []
    await back.close()


async def test_a_late_answer_is_refused_and_closes_the_question(clock):
    contest, (_wang, li), user = await setup()
    host = host_socket(contest.pk, user)
    await connected(host)
    await database_sync_to_async(contests.start_contest)(
        contest_id=contest.pk, actor=None
    )
    phone = player_socket(li.token)
    await connected(phone)
    clock.shift(21)

    error = await phone.request({"type": "answer", "question": 1, "choice": [1]})

    assert error["code"] == "too_late" and error["message"]
    reveal = await host.receive_type("contest.reveal")
    assert reveal["answered"] == 0
    assert (await phone.receive())["type"] == "contest.reveal"
    assert not await database_sync_to_async(ContestAnswer.objects.exists)()
    await host.close()
    await phone.close()


async def test_the_sweep_closes_a_question_nobody_acts_on(clock):
    contest, (_wang, _li), user = await setup()
    await database_sync_to_async(contests.start_contest)(
        contest_id=contest.pk, actor=None
    )
    host = host_socket(contest.pk, user)
    await connected(host)
    clock.shift(20.1)
    assert await sweep_and_announce() == []  # answers may still be being saved
    clock.shift(0.2)

    assert len(await sweep_and_announce()) == 1
    assert (await host.receive_type("contest.reveal"))["question"] == 1
    assert await sweep_and_announce() == []
    await host.close()


async def test_the_timer_of_a_worker_closes_the_question_at_its_deadline(clock):
    contest, _joined, user = await setup()
    host = host_socket(contest.pk, user)
    await connected(host)
    await host.send({"type": "start"})
    question = await host.receive_type("contest.question")
    timers = contest_clock().timers
    assert timers[contest.pk][0] == question["deadline"]

    clock.shift(20.3)  # the deadline and the grace for answers being saved
    contest_clock().arm(contest.pk, question["deadline"] - 1)  # re-arm: now due

    assert (await host.receive_type("contest.reveal"))["question"] == 1
    phase = await database_sync_to_async(
        lambda: Contest.objects.get(pk=contest.pk).phase
    )()
    assert phase == Contest.Phase.REVEAL
    await host.close()


async def test_malformed_frames_get_clear_errors_then_the_socket_is_closed(clock):
    contest, (wang, li), _user = await setup()
    await database_sync_to_async(contests.start_contest)(
        contest_id=contest.pk, actor=None
    )
    rude, fair = player_socket(wang.token), player_socket(li.token)
    await connected(rude)
    await connected(fair)

    answers = {
        "not json": "bad_json",
        "[1, 2]": "bad_frame",
        '{"no": "type"}': "bad_frame",
        '{"type": "hack"}': "unknown_type",
        json.dumps({"type": "answer", "question": 1, "choice": "A" * 20000}): (
            "too_large"
        ),
        json.dumps({"type": "answer", "question": 2, "choice": [1]}): "wrong_question",
        json.dumps({"type": "answer", "question": "1", "choice": [1]}): "bad_message",
        json.dumps({"type": "answer", "question": 1, "choice": [9]}): "bad_choice",
    }
    for text, code in answers.items():
        error = await rude.request(text)
        assert (error["type"], error["code"]) == ("error", code), text
        assert error["message"]
    await rude.communicator.send_to(bytes_data=b"\x00\x01")
    assert (await rude.receive())["code"] == "text_only"
    while True:
        frame = await rude.request("garbage")
        if frame["type"] == "<close>":
            break
    assert frame["code"] == 4400

    # The contest and the other player are unaffected.
    ack = await fair.request({"type": "answer", "question": 1, "choice": [1]})
    assert ack["type"] == "contest.answered"
    assert await database_sync_to_async(ContestAnswer.objects.count)() == 1
    await fair.close()


async def test_a_socket_without_a_player_is_refused(clock):
    _contest, _joined, _user = await setup()
    stranger = player_socket()
    await stranger.connect()
    error = await stranger.request({"type": "answer", "question": 1, "choice": [1]})
    assert error["code"] == "not_joined"
    error = await stranger.request({"type": "hello", "token": "forged-token"})
    assert error["code"] == "not_joined"
    assert (await stranger.receive())["code"] == 4401


async def test_only_a_host_may_open_the_host_socket(clock):
    contest, _joined, _user = await setup()
    nobody = await database_sync_to_async(
        lambda: user_session(UserFactory(username="nobody"))
    )()
    for session_key in (nobody, None):
        communicator = socket(f"/ws/contest/host/{contest.pk}/", session_key)
        recorder = Recorder(communicator)
        await recorder.connect()
        assert (await recorder.receive())["code"] == "forbidden"
        assert (await recorder.receive())["code"] == 4401
    other_site = Recorder(socket("/ws/contest/play/", origin="http://evil.example"))
    accepted, _ = await other_site.communicator.connect()
    assert not accepted


async def test_a_kicked_player_is_disconnected_and_the_others_play_on(clock):
    contest, (wang, li), user = await setup()
    host = host_socket(contest.pk, user)
    await connected(host)
    rude, fair = player_socket(wang.token), player_socket(li.token)
    await connected(rude)
    await connected(fair)

    await host.send({"type": "kick", "player": wang.player.pk})
    kicked = await host.receive_type("contest.kicked")
    assert kicked == {"type": "contest.kicked", "player": wang.player.pk, "players": 1}
    assert (await rude.receive())["type"] == "contest.removed"
    assert (await rude.receive())["code"] == 4403
    await host.send({"type": "start"})
    assert (await fair.receive())["type"] == "contest.question"
    assert not [f for f in fair.frames if f["type"] in ("contest.removed", "error")]
    # The same browser cannot come back.
    back = player_socket(wang.token)
    await back.connect()
    assert (await back.request({"type": "state"}))["code"] == "not_joined"
    assert (
        await database_sync_to_async(
            ContestPlayer.objects.filter(kicked_at__isnull=True).count
        )()
        == 1
    )
    for recorder in (host, fair, back):
        await recorder.close()


async def test_host_mistakes_get_messages_and_change_nothing(clock):
    contest, _joined, user = await setup(players=())
    host = host_socket(contest.pk, user)
    await connected(host)
    for frame, code in (
        ({"type": "start"}, "no_players"),
        ({"type": "skip"}, "no_question"),
        ({"type": "kick", "player": "x"}, "bad_message"),
        ({"type": "kick", "player": 999}, "no_player"),
        ({"type": "next", "phase": "nonsense"}, "bad_message"),
    ):
        error = await host.request(frame)
        assert (error["type"], error["code"]) == ("error", code), frame
        assert error["message"]
    phase = await database_sync_to_async(
        lambda: Contest.objects.get(pk=contest.pk).phase
    )()
    assert phase == Contest.Phase.LOBBY
    await host.close()


def test_the_sweeper_command_closes_overdue_questions(clock):
    from django.core.management import call_command

    contest = make_contest()
    join(contest)
    contests.start_contest(contest_id=contest.pk, actor=None)
    clock.shift(21)

    call_command("contest_sweeper", "--once", stdout=io.StringIO())

    assert Contest.objects.get(pk=contest.pk).phase == Contest.Phase.REVEAL
