"""Plain answers saved from the event loop (quizzes/answer_loop.py, PostgreSQL):
the same rows and counts as the full path, and anything else left to the full
path (None) with nothing written."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from quizzes.answer_loop import LoopAnswers
from quizzes.models import Attempt, AttemptAnswer
from quizzes.services import exams
from quizzes.services.live import Login
from quizzes.services.tickets import issue_ticket, revoke_ticket
from tests.quizzes.exam_factories import CandidateFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def candidate(settings):
    if connection.vendor != "postgresql":
        pytest.skip("answers on the event loop are PostgreSQL's (SQLite: threads)")
    settings.EXAM_ANSWERS_ON_LOOP = True
    candidate = CandidateFactory()
    ticket, _code = issue_ticket(candidate=candidate)
    attempt = exams.start_attempt(candidate=candidate, device="a")
    exams.paper_shape(attempt.paper_id)  # as the state frame sent at start does
    candidate.login = Login(candidate.pk, ticket.pk, "a")
    candidate.attempt = attempt
    return candidate


@pytest.fixture
async def loop_answers():
    answers = LoopAnswers()
    yield answers
    await answers.close()


@sync_to_async
def stored(attempt):
    attempt.refresh_from_db()
    rows = {
        a.position: (a.choice, a.client_seq)
        for a in AttemptAnswer.objects.filter(attempt=attempt)
    }
    return rows, attempt.answered_count


async def test_plain_answers_are_saved_and_counted(candidate, loop_answers):
    login = candidate.login
    first = await loop_answers.answer(login, position=1, choice=[0], seq=1)
    second = await loop_answers.answer(login, position=2, choice=[1], seq=2)
    again = await loop_answers.answer(login, position=1, choice=[1], seq=3)

    assert first.reply == {"type": "ack", "seq": 1, "position": 1}
    assert [b[1]["answered"] for b in first.broadcasts + second.broadcasts] == [1, 2]
    assert again.reply["seq"] == 3 and again.broadcasts == []  # count unchanged
    assert await stored(candidate.attempt) == ({1: ([1], 3), 2: ([1], 2)}, 2)


@pytest.mark.parametrize(
    "case", ["resend", "ticket revoked", "submitted", "other device", "bad choice"]
)
async def test_anything_but_a_plain_save_goes_to_the_full_path(
    case, candidate, loop_answers
):
    login = candidate.login
    assert await loop_answers.answer(login, position=1, choice=[0], seq=5)
    seq, choice = 6, [1]
    if case == "resend":
        seq = 5
    elif case == "ticket revoked":
        await sync_to_async(revoke_ticket)(candidate=candidate)
    elif case == "submitted":
        await sync_to_async(exams.submit_attempt)(
            attempt_id=candidate.attempt.pk, by=Attempt.SubmittedBy.PROCTOR
        )
    elif case == "other device":
        await sync_to_async(exams.start_attempt)(candidate=candidate, device="b")
    else:
        choice = [9]
    before = await stored(candidate.attempt)

    assert await loop_answers.answer(login, position=1, choice=choice, seq=seq) is None
    assert (await stored(candidate.attempt))[0] == before[0]


async def test_an_attempt_this_process_does_not_know_goes_to_the_full_path(
    candidate, loop_answers
):
    exams.forget_local_memory()
    outcome = await loop_answers.answer(candidate.login, position=1, choice=[0], seq=1)
    assert outcome is None
    assert await stored(candidate.attempt) == ({}, 0)
