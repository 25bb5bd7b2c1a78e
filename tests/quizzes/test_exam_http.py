"""The HTTP fallback (/exam/api/…): the socket's rules and replies over JSON posts,
CSRF-protected, for the candidate the session's ticket names."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Sitting
from quizzes.services import exams
from quizzes.services.papers import answer_key
from quizzes.services.tickets import issue_ticket, revoke_ticket
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.live_support import secrets_in

pytestmark = pytest.mark.django_db


def logged_in(candidate, *, code=None, csrf_checks=False):
    """A client logged in with ``code`` (else a new ticket's)."""
    if code is None:
        _ticket, code = issue_ticket(candidate=candidate)
    client = Client()
    client.post(reverse("exam:login"), {"code": code})
    if csrf_checks:
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = client.cookies
        return strict
    return client


def post(client, name, body=None, **headers):
    return client.post(
        reverse(f"exam:api_{name}"),
        data=json.dumps(body or {}) if not isinstance(body, str) else body,
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def candidate():
    return CandidateFactory(
        sitting=SittingFactory(
            review_score="after_attempt", review_correctness="after_attempt"
        )
    )


def test_a_whole_attempt_over_http_never_shows_a_key_before_submitting(candidate):
    client = logged_in(candidate)
    replies = [client.get(reverse("exam:api_state")).json()]
    assert replies[0]["type"] == "lobby"
    state = post(client, "start").json()
    replies.append(state)
    assert state["type"] == "state"
    key = answer_key(Attempt.objects.get(pk=state["attempt"]).paper)
    for seq, (position, right) in enumerate(sorted(key.items()), start=1):
        reply = post(
            client, "answer", {"position": position, "choice": right, "seq": seq}
        )
        assert reply.status_code == 200
        assert reply.json() == {"type": "ack", "seq": seq, "position": position}
        replies.append(reply.json())
    replies.append(post(client, "focus", {"kind": "blur", "at": 1}).json())
    replies.append(client.get(reverse("exam:api_state")).json())
    page = client.get(reverse("exam:paper")).content.decode()
    assert not [place for reply in replies for place in secrets_in(reply)]
    assert "因为条文如此规定" not in page

    result = post(client, "submit").json()
    assert result["type"] == "result" and result["score"] == "100.00"
    again = post(client, "submit").json()
    assert again["score"] == "100.00"  # submitting twice changes nothing
    late = post(client, "answer", {"position": 1, "choice": [0], "seq": 99})
    assert late.status_code == 409 and late.json()["code"] == "not_in_progress"


def test_the_api_needs_a_ticket_login_and_csrf(candidate):
    anonymous = Client()
    assert anonymous.get(reverse("exam:api_state")).status_code == 401
    assert post(anonymous, "start").json()["code"] == "not_logged_in"

    strict = logged_in(candidate, csrf_checks=True)
    assert post(strict, "start").status_code == 403  # no CSRF token
    token = strict.get(reverse("exam:paper")).context["csrf_token"]
    assert post(strict, "start", HTTP_X_CSRFTOKEN=str(token)).status_code == 200

    revoke_ticket(candidate=candidate)
    refused = post(
        strict,
        "answer",
        {"position": 1, "choice": [0], "seq": 1},
        HTTP_X_CSRFTOKEN=str(token),
    )
    assert refused.status_code == 401
    assert not candidate.attempts.get().answers.filter(client_seq__gt=0).exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ({"position": 1, "choice": [0]}, "bad_message"),  # no seq
        ({"position": 1, "choice": [0], "seq": 2**70}, "bad_message"),
        ({"position": 2**70, "choice": [0], "seq": 1}, "bad_message"),
        ({"position": 99, "choice": [0], "seq": 1}, "bad_position"),
        ({"position": 1, "choice": [9], "seq": 1}, "bad_choice"),
        ({"position": 1, "choice": "A", "seq": 1}, "bad_message"),
        ({"position": "1", "choice": [0], "seq": 1}, "bad_message"),
        ({"position": 1, "choice": [0], "seq": True}, "bad_message"),
    ],
)
def test_bad_answers_are_refused_with_a_code_and_change_nothing(candidate, body, code):
    client = logged_in(candidate)
    post(client, "start")
    reply = post(client, "answer", body)
    assert reply.status_code == 400
    assert reply.json()["type"] == "error" and reply.json()["code"] == code
    assert reply.json()["message"]
    assert not candidate.attempts.get().answers.exists()


def test_answers_after_the_deadline_are_refused(candidate):
    client = logged_in(candidate)
    state = post(client, "start").json()
    deadline = dt.datetime.fromtimestamp(state["deadline"] / 1000, tz=dt.UTC)
    with time_machine.travel(deadline + dt.timedelta(seconds=1)):
        reply = post(client, "answer", {"position": 1, "choice": [0], "seq": 1})
    assert reply.status_code == 409
    assert reply.json()["code"] == "past_deadline" and reply.json()["seq"] == 1


def test_a_candidate_reaches_only_their_own_attempt(candidate):
    other = CandidateFactory(sitting=candidate.sitting)
    theirs = exams.start_attempt(candidate=other)
    client = logged_in(candidate)
    mine = post(client, "start").json()
    assert mine["attempt"] != theirs.pk
    post(
        client,
        "answer",
        {"attempt": theirs.pk, "position": 1, "choice": [1], "seq": 1},
    )
    assert not theirs.answers.exists()
    assert Attempt.objects.get(pk=mine["attempt"]).answers.count() == 1


def test_resends_and_late_messages_count_once(candidate):
    client = logged_in(candidate)
    post(client, "start")
    for body in (
        {"position": 1, "choice": [1], "seq": 2},
        {"position": 1, "choice": [1], "seq": 2},  # resend
        {"position": 1, "choice": [0], "seq": 1},  # older, arriving late
    ):
        assert post(client, "answer", body).json()["type"] == "ack"
    attempt = candidate.attempts.get()
    answer = attempt.answers.get()
    assert (answer.choice, answer.client_seq) == ([1], 2)
    assert attempt.answered_count == 1


def test_an_answer_from_a_device_that_lost_the_paper_is_refused(candidate):
    _ticket, code = issue_ticket(candidate=candidate)
    phone = logged_in(candidate, code=code)
    post(phone, "start")
    laptop = logged_in(candidate, code=code)  # the same ticket on another device
    post(laptop, "start")  # opening the paper takes it over
    refused = post(phone, "answer", {"position": 1, "choice": [0], "seq": 1})
    assert refused.status_code == 409 and refused.json()["code"] == "taken_over"
    accepted = post(laptop, "answer", {"position": 1, "choice": [0], "seq": 1})
    assert accepted.json()["type"] == "ack"


def test_the_focus_limit_warns_once_then_submits(candidate):
    Sitting.objects.filter(pk=candidate.sitting_id).update(focus_loss_limit=2)
    client = logged_in(candidate)
    post(client, "start")
    warning = post(client, "focus", {"kind": "hidden", "at": 1_700_000_000_000})
    assert warning.json() == {
        "type": "warning",
        "code": "focus_limit_next",
        "focus_losses": 1,
        "focus_loss_limit": 2,
    }
    result = post(client, "focus", {"kind": "blur"}).json()
    assert result["type"] == "result" and result["submitted_by"] == "focus_limit"
    assert post(client, "focus", {"kind": "sideways"}).json()["code"] == "bad_message"


def test_the_lobby_waits_while_the_sitting_is_not_open(candidate):
    Sitting.objects.filter(pk=candidate.sitting_id).update(status=Sitting.Status.DRAFT)
    client = logged_in(candidate)
    lobby = client.get(reverse("exam:api_state")).json()
    assert (lobby["can_start"], lobby["waiting"]) == (False, "not_open")
    refused = post(client, "start")
    assert refused.status_code == 409 and refused.json()["code"] == "not_open"
    assert "请等待监考人员" in refused.json()["message"]


def test_a_candidate_polling_over_http_gets_the_notices_it_was_not_there_for(
    candidate,
):
    """HTTP clients have no push: the state frame carries the sitting's latest
    notices, exactly as they were broadcast, so none is missed between polls."""
    from quizzes.services import board
    from quizzes.services.review import RECENT_NOTICES
    from tests.factories import UserFactory

    proctor = UserFactory()
    candidate.sitting.proctors.add(proctor)
    elsewhere = SittingFactory()
    elsewhere.proctors.add(proctor)
    client = logged_in(candidate)
    assert post(client, "start").json()["notices"] == []

    sent = []
    for number in range(RECENT_NOTICES + 2):
        outcome = board.send_notice(
            user=proctor, sitting_id=candidate.sitting_id, text=f"第{number}条通知"
        )
        sent.append(outcome.broadcasts[0][1])
    board.send_notice(user=proctor, sitting_id=elsewhere.pk, text="别的考场")

    polled = client.get(reverse("exam:api_state")).json()
    assert polled["notices"] == sent[-RECENT_NOTICES:]  # the latest, oldest first
    assert [n["text"] for n in polled["notices"]][-1] == f"第{RECENT_NOTICES + 1}条通知"
    assert "别的考场" not in json.dumps(polled, ensure_ascii=False)


def test_a_leave_of_the_page_sent_again_over_http_counts_once(candidate):
    """The page keeps a leave made offline until the server has answered, and may
    send it twice (a poll and the network's return): the same ``at`` counts once."""
    client = logged_in(candidate)
    post(client, "start")
    leave = {"kind": "hidden", "at": 1_764_000_000_000}
    first = post(client, "focus", leave).json()
    again = post(client, "focus", leave).json()
    assert first["focus_losses"] == again["focus_losses"] == 1
    later = post(client, "focus", {**leave, "at": leave["at"] + 5_000}).json()
    assert later["focus_losses"] == 2
