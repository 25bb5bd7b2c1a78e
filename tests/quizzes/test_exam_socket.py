"""The candidate's socket (ws/exam/) and the proctor's (ws/proctor/<id>/), through
the full ASGI stack: Origin check, session login, services, broadcasts."""

import datetime as dt

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.utils import timezone

from quizzes.models import Attempt, AttemptAnswer, Sitting
from quizzes.services import exams
from quizzes.services.papers import answer_key
from quizzes.services.tickets import revoke_ticket
from tests.factories import UserFactory
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.live_support import (
    Recorder,
    candidate_session,
    exam_socket,
    proctor_socket,
    secrets_in,
    user_session,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_in_memory_layer"),
]


@pytest.fixture
def sitting():
    return SittingFactory(
        review_score="after_attempt",
        review_correctness="after_attempt",
        focus_loss_limit=3,
    )


@pytest.fixture
def candidate(sitting):
    return CandidateFactory(sitting=sitting)


@pytest.fixture
def session(candidate):
    return candidate_session(candidate)


@pytest.fixture
def proctor(sitting):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="proctor-of-sitting")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    sitting.proctors.add(user)
    return user


@database_sync_to_async
def key_of(attempt_id):
    return answer_key(Attempt.objects.get(pk=attempt_id).paper)


@database_sync_to_async
def answers_of(attempt_id):
    return {
        a.position: (a.choice, a.client_seq)
        for a in AttemptAnswer.objects.filter(attempt_id=attempt_id, client_seq__gt=0)
    }


async def open_paper(session_key, device="device-a"):
    socket = await Recorder(exam_socket(session_key, device)).connect()
    first = await socket.receive()
    if first["type"] == "lobby":
        first = await socket.request({"type": "start"})
    assert first["type"] == "state", first
    return socket, first


async def test_a_whole_attempt_shows_no_key_explanation_or_score_until_submitted(
    sitting, session, proctor
):
    board = await Recorder(proctor_socket(sitting.pk, await _login(proctor))).connect()
    roster = await board.receive()
    assert roster["type"] == "roster"

    socket = await Recorder(exam_socket(session)).connect()
    lobby = await socket.receive()
    assert lobby["type"] == "lobby" and lobby["can_start"] is True
    state = await socket.request({"type": "start"})
    assert state["type"] == "state"
    assert [q["position"] for q in state["paper"]["questions"]] == [1, 2, 3, 4, 5]
    assert state["deadline"] > state["server_time"]

    key = await key_of(state["attempt"])
    for seq, (position, right) in enumerate(sorted(key.items()), start=1):
        ack = await socket.request(
            {"type": "answer", "position": position, "choice": right, "seq": seq}
        )
        assert ack == {"type": "ack", "seq": seq, "position": position}
    assert (await socket.request({"type": "ping", "id": 7}))["type"] == "pong"
    noted = await socket.request({"type": "focus", "kind": "hidden", "at": 1})
    assert noted["type"] == "focus_noted" and noted["focus_losses"] == 1

    assert socket.frames and not [
        place for frame in socket.frames for place in secrets_in(frame)
    ]

    result = await socket.request({"type": "submit"})
    assert result["type"] == "result"
    assert result["score"] == "100.00" and result["passed"] is True
    # Correctness may be seen right after; right answers only after the close.
    assert all(q["correct"] for q in result["questions"])
    assert not any("key" in q or "explanation" in q for q in result["questions"])
    await socket.close()

    # The board saw each step: online, started, answers, focus, submitted.
    events = []
    while "submit" not in events:
        frame = await board.receive_type("candidate")
        events.append(frame["event"])
    assert events[0] == "connect"
    assert {"start", "answer", "focus"} <= set(events)
    await board.close()


@database_sync_to_async
def _login(user):
    return user_session(user)


async def test_without_a_valid_ticket_the_socket_is_closed_4401(candidate):
    anonymous = await Recorder(exam_socket(None)).connect()
    assert (await anonymous.receive())["code"] == "not_logged_in"
    assert (await anonymous.receive()) == {"type": "<close>", "code": 4401}

    session = await database_sync_to_async(candidate_session)(candidate)
    await database_sync_to_async(revoke_ticket)(candidate=candidate)
    revoked = await Recorder(exam_socket(session)).connect()
    assert (await revoked.receive())["code"] == "not_logged_in"
    assert (await revoked.receive())["code"] == 4401


async def test_revoking_the_ticket_ends_an_open_socket(candidate, session):
    socket, _state = await open_paper(session)
    await database_sync_to_async(revoke_ticket)(candidate=candidate)
    refused = await socket.request(
        {"type": "answer", "position": 1, "choice": [0], "seq": 1}
    )
    assert refused["code"] == "not_logged_in"
    assert (await socket.receive())["code"] == 4401


async def test_a_socket_from_a_foreign_origin_is_refused(session):
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example"):
        communicator = exam_socket(session, origin=origin)
        connected, _ = await communicator.connect()
        assert not connected
        await communicator.disconnect()


async def test_a_candidate_reaches_only_their_own_attempt(sitting, session):
    other = await database_sync_to_async(CandidateFactory)(sitting=sitting)
    other_attempt = await database_sync_to_async(exams.start_attempt)(candidate=other)
    socket, state = await open_paper(session)
    assert state["attempt"] != other_attempt.pk
    # Naming the other attempt or candidate in a frame changes nothing of theirs.
    ack = await socket.request(
        {
            "type": "answer",
            "attempt": other_attempt.pk,
            "candidate": other.pk,
            "position": 1,
            "choice": [0],
            "seq": 1,
        }
    )
    assert ack["type"] == "ack"
    assert await answers_of(other_attempt.pk) == {}
    assert (await answers_of(state["attempt"]))[1] == ([0], 1)
    await socket.close()


async def test_answers_after_the_deadline_are_refused(session):
    socket, state = await open_paper(session)
    deadline = dt.datetime.fromtimestamp(state["deadline"] / 1000, tz=dt.UTC)
    with time_machine.travel(deadline + dt.timedelta(seconds=1), tick=False):
        refused = await socket.request(
            {"type": "answer", "position": 1, "choice": [0], "seq": 1}
        )
    assert (refused["type"], refused["code"], refused["seq"]) == (
        "error",
        "past_deadline",
        1,
    )
    assert refused["message"]
    assert await answers_of(state["attempt"]) == {}
    await socket.close()


async def test_a_second_device_takes_the_paper_over(sitting, session, proctor):
    board = await Recorder(proctor_socket(sitting.pk, await _login(proctor))).connect()
    await board.receive()
    first, state = await open_paper(session, device="phone-1")
    second, again = await open_paper(session, device="phone-2")
    assert again["attempt"] == state["attempt"]
    assert (await first.receive_type("takeover")) == {"type": "takeover"}
    assert (await first.receive()) == {"type": "<close>", "code": 4409}
    while (await board.receive_type("candidate"))["event"] != "takeover":
        pass
    ack = await second.request(
        {"type": "answer", "position": 2, "choice": [1], "seq": 1}
    )
    assert ack["type"] == "ack"
    await second.close()
    await board.close()


async def test_the_proctor_board_opens_only_for_the_sittings_proctors(
    sitting, proctor, session
):
    own = await Recorder(proctor_socket(sitting.pk, await _login(proctor))).connect()
    roster = await own.receive()
    assert roster["type"] == "roster"
    assert [row["candidate"] for row in roster["candidates"]]
    await own.close()

    elsewhere = await database_sync_to_async(SittingFactory)()
    refused = await Recorder(
        proctor_socket(elsewhere.pk, await _login(proctor))
    ).connect()
    assert (await refused.receive())["code"] == "forbidden"
    assert (await refused.receive()) == {"type": "<close>", "code": 4401}

    stranger = await database_sync_to_async(UserFactory)(username="stranger")
    for session_key in (await _login(stranger), None, session):
        socket = await Recorder(proctor_socket(sitting.pk, session_key)).connect()
        assert (await socket.receive())["code"] == "forbidden"
        assert (await socket.receive())["code"] == 4401


async def test_a_client_offline_for_a_while_resends_its_queue_in_order_once(session):
    socket, state = await open_paper(session)
    attempt_id = state["attempt"]
    for seq, position in enumerate((1, 2, 3), start=1):
        ack = await socket.request(
            {"type": "answer", "position": position, "choice": [0], "seq": seq}
        )
        assert ack["seq"] == seq
    # Offline: seq 3's ack was lost; the candidate answered 4, 5 and changed 1.
    await socket.close()
    queued = [
        {"type": "answer", "position": 3, "choice": [0], "seq": 3},
        {"type": "answer", "position": 4, "choice": [1], "seq": 4},
        {"type": "answer", "position": 5, "choice": [1], "seq": 5},
        {"type": "answer", "position": 1, "choice": [1], "seq": 6},
    ]
    back, resumed = await open_paper(session)
    assert resumed["last_seq"] == 3 and resumed["answers"]["1"] == [0]
    for frame in queued + queued:  # and the whole queue once more
        ack = await back.request(frame)
        assert ack == {
            "type": "ack",
            "seq": frame["seq"],
            "position": frame["position"],
        }
    saved = await answers_of(attempt_id)
    assert saved == {
        1: ([1], 6),
        2: ([0], 2),
        3: ([0], 3),
        4: ([1], 4),
        5: ([1], 5),
    }
    # An old message arriving late does not overwrite a newer answer.
    await back.request({"type": "answer", "position": 1, "choice": [0], "seq": 1})
    assert (await answers_of(attempt_id))[1] == ([1], 6)
    attempt = await Attempt.objects.aget(pk=attempt_id)
    assert attempt.answered_count == 5
    await back.close()


async def test_a_sitting_not_open_keeps_the_candidate_in_the_lobby(candidate, session):
    await Sitting.objects.filter(pk=candidate.sitting_id).aupdate(
        status=Sitting.Status.DRAFT, opens_at=timezone.now() + dt.timedelta(hours=1)
    )
    socket = await Recorder(exam_socket(session)).connect()
    lobby = await socket.receive()
    assert lobby["type"] == "lobby"
    assert (lobby["can_start"], lobby["waiting"]) == (False, "not_open")
    refused = await socket.request({"type": "start"})
    assert refused["code"] == "not_open"
    await socket.close()


def hostile_frames(other_attempt_id, count=1000):
    """``count`` malformed or hostile frames, of every kind, deterministically."""
    import json as _json
    import random

    rng = random.Random(20261126)
    kinds = [
        lambda: "{not json",
        lambda: "[]",
        lambda: '"answer"',
        lambda: "null",
        lambda: _json.dumps({"type": 5}),
        lambda: _json.dumps({"type": "grade_me"}),
        lambda: _json.dumps({"type": "answer"}),
        lambda: _json.dumps({"type": "answer", "position": 1, "choice": [0]}),
        lambda: _json.dumps(
            {"type": "answer", "position": "1", "choice": [0], "seq": 1}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 1, "choice": [0], "seq": -3}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 1, "choice": [0], "seq": 2**80}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 2**80, "choice": [0], "seq": 5}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 999, "choice": [0], "seq": 5}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 1, "choice": [7, 8], "seq": 5}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 1, "choice": {"a": 1}, "seq": 5}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 1, "choice": [True], "seq": 5}
        ),
        lambda: _json.dumps(
            {"type": "answer", "position": 1, "choice": list(range(500)), "seq": 5}
        ),
        lambda: _json.dumps(
            {
                "type": "answer",
                "attempt": other_attempt_id,
                "position": 1,
                "choice": [9],
                "seq": 5,
            }
        ),
        lambda: _json.dumps({"type": "focus", "kind": "sideways"}),
        lambda: _json.dumps({"type": "ping", "id": {"deep": [1] * 50}}),
        lambda: "x" * 20_000,
        lambda: _json.dumps({"type": "answer", "position": None, "seq": None}),
    ]
    return [rng.choice(kinds)() for _ in range(count)]


@database_sync_to_async
def snapshot(attempt_id):
    attempt = Attempt.objects.get(pk=attempt_id)
    return (
        attempt.status,
        attempt.answered_count,
        attempt.deadline,
        attempt.focus_losses,
        sorted(
            AttemptAnswer.objects.filter(attempt=attempt).values_list(
                "position", "choice", "client_seq"
            )
        ),
    )


async def test_a_thousand_hostile_frames_get_errors_or_a_close_and_change_nothing(
    sitting, session
):
    other = await database_sync_to_async(CandidateFactory)(sitting=sitting)
    other_attempt = await database_sync_to_async(exams.start_attempt)(candidate=other)
    socket, state = await open_paper(session)
    ack = await socket.request(
        {"type": "answer", "position": 1, "choice": [0], "seq": 1}
    )
    assert ack["type"] == "ack"
    mine_before = await snapshot(state["attempt"])
    theirs_before = await snapshot(other_attempt.pk)

    closes = errors = 0
    for frame in hostile_frames(other_attempt.pk):
        await socket.send(frame)
        reply = await socket.receive()
        if reply["type"] == "<close>":
            assert reply["code"] == 4400
            closes += 1
            socket, _state = await open_paper(session)
            continue
        assert reply["type"] in ("error", "pong"), reply
        errors += reply["type"] == "error"
    # Still serving: a good answer after all that is saved.
    ack = await socket.request(
        {"type": "answer", "position": 2, "choice": [1], "seq": 2}
    )
    assert ack == {"type": "ack", "seq": 2, "position": 2}
    await socket.close()

    assert closes >= 1 and errors > 900
    assert await snapshot(other_attempt.pk) == theirs_before
    status, answered, deadline, focus, answers = await snapshot(state["attempt"])
    assert (status, deadline, focus) == mine_before[:1] + mine_before[2:4]
    assert answers == [*mine_before[4], (2, [1], 2)]
    assert answered == 2


async def test_the_proctors_actions_reach_the_candidate_socket(
    sitting, candidate, session, proctor
):
    from django.test import Client

    def act(action, **fields):
        client = Client()
        client.force_login(proctor)
        return client.post(
            f"/admin/exams/board/{sitting.pk}/action/",
            {"action": action, **fields},
            HTTP_ACCEPT="application/json",
        ).json()

    act_async = database_sync_to_async(act)
    socket, state = await open_paper(session)

    assert (await act_async("notice", text="还有十分钟"))["ok"]
    notice = await socket.receive_type("notice")
    assert notice["text"] == "还有十分钟"

    assert (await act_async("extend", minutes="10", candidate_id=candidate.pk))["ok"]
    moved = await socket.receive_type("deadline")
    assert moved["deadline"] == state["deadline"] + 10 * 60_000

    assert (await act_async("force_submit", candidate_id=candidate.pk))["ok"]
    assert (await socket.receive_type("submitted"))["by"] == "proctor"
    result = await socket.receive_type("result")
    assert result["submitted_by"] == "proctor" and result["score"] is not None

    assert (await act_async("readmit", candidate_id=candidate.pk))["ok"]
    again = await socket.receive_type("state")
    assert again["attempt"] == state["attempt"]

    reissued = await act_async("reissue", candidate_id=candidate.pk)
    assert reissued["ok"]
    refused = await socket.receive_type("error")
    assert refused["code"] == "not_logged_in"
    assert (await socket.receive()) == {"type": "<close>", "code": 4401}
