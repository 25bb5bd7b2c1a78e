"""The proctor board page and its actions: only the sitting's proctors, every
action through a service that logs who and when."""

import datetime as dt

import pytest
from django.urls import reverse

from quizzes.models import Attempt, ProctorAction, Sitting
from quizzes.services import exams
from quizzes.services.errors import QuizError
from quizzes.services.tickets import issue_ticket, login_with_code
from tests.factories import UserFactory
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proctor(client):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="proctor-board")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    return user


@pytest.fixture
def sitting(proctor):
    sitting = SittingFactory()
    sitting.proctors.add(proctor)
    return sitting


def act(client, sitting, action, json=True, **fields):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(
        reverse("exam_board:action", args=[sitting.pk]),
        {"action": action, **fields},
        **headers,
    )


def test_the_board_shows_the_roster_to_the_sittings_proctor(client, sitting):
    first = CandidateFactory(sitting=sitting)
    exams.start_attempt(candidate=first)
    CandidateFactory(sitting=sitting)
    response = client.get(reverse("exam_board:board", args=[sitting.pk]))
    assert response.status_code == 200
    roster = response.context["roster"]
    assert [row["status"] for row in roster["candidates"]].count("in_progress") == 1
    assert {row["online"] for row in roster["candidates"]} == {False}
    assert f"/ws/proctor/{sitting.pk}/" in response.content.decode()


def test_other_staff_may_neither_see_nor_act(client, sitting):
    from django.contrib.auth.models import Permission

    stranger = UserFactory(username="stranger")
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)
    page = client.get(reverse("exam_board:board", args=[sitting.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("wagtailadmin_home")
    refused = act(client, sitting, "close")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert act(client, sitting, "close", json=False)["Location"] == reverse(
        "wagtailadmin_home"
    )
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.OPEN
    assert not ProctorAction.objects.exists()


def test_each_action_is_logged_with_who_and_shown_on_the_board(
    client, sitting, proctor
):
    candidate = CandidateFactory(sitting=sitting)
    attempt = exams.start_attempt(candidate=candidate)
    _ticket, old_code = issue_ticket(candidate=candidate)

    extend = act(client, sitting, "extend", minutes="10", candidate_id=candidate.pk)
    assert extend.json()["ok"] is True
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + dt.timedelta(minutes=40)
    assert act(client, sitting, "extend", minutes="5").json()["ok"]  # everyone
    assert act(client, sitting, "notice", text="请保持安静").json()["ok"]
    assert act(client, sitting, "force_submit", candidate_id=candidate.pk).json()["ok"]
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.submitted_by == Attempt.SubmittedBy.PROCTOR
    assert act(client, sitting, "readmit", candidate_id=candidate.pk).json()["ok"]
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS

    reissued = act(client, sitting, "reissue", candidate_id=candidate.pk).json()
    assert reissued["ok"] and reissued["code"] in reissued["message"]
    assert login_with_code(code=reissued["code"], address="t").candidate == candidate
    with pytest.raises(QuizError):
        login_with_code(code=old_code, address="t")

    kinds = list(
        ProctorAction.objects.filter(sitting=sitting)
        .order_by("at", "pk")
        .values_list("kind", "actor")
    )
    assert [kind for kind, _actor in kinds] == [
        "extend",
        "extend",
        "notice",
        "force_submit",
        "readmit",
        "reissue_ticket",
    ]
    assert {actor for _kind, actor in kinds} == {proctor.pk}
    board = client.get(reverse("exam_board:board", args=[sitting.pk]))
    log = board.context["roster"]["actions"]
    assert len(log) == 6 and log[0]["kind"] == "reissue_ticket"
    assert log[0]["actor"] == proctor.username


def test_refusals_come_back_as_messages(client, sitting):
    candidate = CandidateFactory(sitting=sitting)
    refused = act(client, sitting, "force_submit", candidate_id=candidate.pk)
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_in_progress"
    assert act(client, sitting, "extend", minutes="0").json()["code"] == "bad_minutes"
    assert act(client, sitting, "notice", text="  ").json()["code"] == "bad_notice"
    assert act(client, sitting, "launch").json()["code"] == "unknown_action"
    other = CandidateFactory()  # on another sitting's roster
    assert (
        act(client, sitting, "readmit", candidate_id=other.pk).json()["code"]
        == "no_candidate"
    )
    page = act(client, sitting, "notice", json=False, text="")
    assert page.status_code == 302
    assert not ProctorAction.objects.exists()


def test_open_and_close(client, proctor):
    sitting = SittingFactory(status=Sitting.Status.DRAFT)
    sitting.proctors.add(proctor)
    candidate = CandidateFactory(sitting=sitting)
    assert act(client, sitting, "open").json()["ok"]
    attempt = exams.start_attempt(candidate=candidate)
    closed = act(client, sitting, "close").json()
    assert closed["ok"] and "1" in closed["message"]
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    kinds = ProctorAction.objects.order_by("at", "pk").values_list("kind", flat=True)
    assert list(kinds) == ["open", "close", "force_submit"]


async def test_the_board_feed_sends_a_workers_changes_together_with_the_latest_count(
    monkeypatch,
):
    """200 answers a second must not become 200 layer messages: the worker's feed
    sends each sitting's changes together, and of one candidate's answer counts
    only the latest (other changes all, in order)."""
    from quizzes import consumers

    sent = []

    async def record(group, payloads):
        sent.append((group, payloads))

    monkeypatch.setattr(consumers, "broadcast_many", record)
    feed = consumers.BoardFeed()

    def row(candidate, event, **fields):
        return {"type": "candidate", "candidate": candidate, "event": event, **fields}

    feed.put("proctor-1", row(7, "answer", answered=1))
    feed.put("proctor-1", row(8, "answer", answered=1))
    feed.put("proctor-1", row(7, "answer", answered=2))
    feed.put("proctor-1", row(7, "submit", status="graded"))
    feed.put("proctor-2", row(9, "connect", online=True))
    await feed.flush()

    assert sent == [
        (
            "proctor-1",
            [
                row(8, "answer", answered=1),
                row(7, "answer", answered=2),
                row(7, "submit", status="graded"),
            ],
        ),
        ("proctor-2", [row(9, "connect", online=True)]),
    ]
    await feed.flush()
    assert len(sent) == 2  # nothing is sent twice
