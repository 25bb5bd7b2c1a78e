"""The live answer path (``exams.save_candidate_answer``). On PostgreSQL, when the
process knows the candidate's attempt (it started, resumed or saved to it), an
answer is saved by one statement (``exams.at_once_request``); otherwise — another
worker started it, or SQLite — by the full path. Every rule must hold the same on
both: each test runs "hinted" (as a worker that started the attempt) and "cold"
(the process forgets before each answer)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Attempt, AttemptAnswer
from quizzes.services import exams
from quizzes.services.errors import QuizError
from quizzes.services.tickets import issue_ticket, revoke_ticket
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["hinted", "cold"])
def path(request):
    return request.param


class Candidate:
    """A candidate logged in with a ticket on device "a", answering."""

    cold = False

    def __init__(self, **candidate_fields):
        self.candidate = CandidateFactory(**candidate_fields)
        self.ticket, _code = issue_ticket(candidate=self.candidate)
        self.attempt = exams.start_attempt(candidate=self.candidate, device="a")
        self.seq = 0

    def answer(self, position, choice, *, seq=None, device="a", now=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        if self.cold:
            exams.forget_local_memory()
        return exams.save_candidate_answer(
            candidate_id=self.candidate.pk,
            ticket_id=self.ticket.pk,
            device=device,
            position=position,
            choice=choice,
            client_seq=seq,
            now=now,
        )

    def stored(self):
        return {
            a.position: (a.choice, a.client_seq)
            for a in AttemptAnswer.objects.filter(attempt__candidate=self.candidate)
        }


def refused(call):
    before = AttemptAnswer.objects.order_by("pk").values_list(
        "attempt_id", "position", "choice", "client_seq"
    )
    before = list(before)
    with pytest.raises(QuizError) as error:
        call()
    after = AttemptAnswer.objects.order_by("pk").values_list(
        "attempt_id", "position", "choice", "client_seq"
    )
    assert list(after) == before, "a refused answer changed what is stored"
    return error.value.code


def test_counts_resends_and_clearing(path):
    someone = Candidate()
    someone.cold = path == "cold"
    first = someone.answer(1, [0])
    assert (first.changed, first.answered_before, first.answered_count) == (True, 0, 1)

    second = someone.answer(2, [1])
    assert (second.answered_before, second.answered_count) == (1, 2)
    assert second.sitting_id == someone.candidate.sitting_id
    changed = someone.answer(1, [1], seq=7)
    assert (changed.changed, changed.answered_count) == (True, 2)
    resent = someone.answer(1, [1], seq=7)
    older = someone.answer(1, [0], seq=6)
    assert not resent.changed and not older.changed
    assert older.answer.choice == [1]
    cleared = someone.answer(2, [], seq=8)
    assert (cleared.changed, cleared.answered_count) == (True, 1)

    assert someone.stored() == {1: ([1], 7), 2: ([], 8)}
    someone.attempt.refresh_from_db()
    assert someone.attempt.answered_count == 1


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("ticket revoked", "not_logged_in"),
        ("submitted by the proctor", "not_in_progress"),
        ("opened on another device", "taken_over"),
        ("after the deadline", "past_deadline"),
        ("no such question", "bad_position"),
        ("no such option", "bad_choice"),
    ],
)
def test_every_refusal_holds(case, code, path):
    someone = Candidate()
    someone.cold = path == "cold"
    someone.answer(1, [0])
    position, choice, now = 2, [1], None
    if case == "ticket revoked":
        revoke_ticket(candidate=someone.candidate)
    elif case == "submitted by the proctor":
        exams.submit_attempt(
            attempt_id=someone.attempt.pk, by=Attempt.SubmittedBy.PROCTOR
        )
    elif case == "opened on another device":
        exams.start_attempt(candidate=someone.candidate, device="b")
    elif case == "after the deadline":
        now = someone.attempt.deadline + dt.timedelta(seconds=1)
    elif case == "no such question":
        position = 99
    else:
        choice = [9]

    assert refused(lambda: someone.answer(position, choice, now=now)) == code


def test_after_a_resit_answers_go_to_the_new_attempt(path):
    someone = Candidate(sitting=SittingFactory(attempts_allowed=2))
    someone.cold = path == "cold"
    someone.answer(1, [0])
    exams.submit_attempt(attempt_id=someone.attempt.pk, by=Attempt.SubmittedBy.PROCTOR)
    resit = exams.start_attempt(candidate=someone.candidate, device="a")
    assert resit.pk != someone.attempt.pk

    saved = someone.answer(1, [1])

    assert saved.answer.attempt_id == resit.pk
    assert AttemptAnswer.objects.get(attempt=someone.attempt, position=1).choice == [0]


def test_on_postgresql_an_answer_to_a_started_attempt_is_one_statement():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's (SQLite: the full path)")
    someone = Candidate()
    exams.paper_shape(someone.attempt.paper_id)  # cached, as in a running worker

    with CaptureQueriesContext(connection) as queries:
        first = someone.answer(1, [0])
        second = someone.answer(2, [1])

    assert len(queries) == 2, [q["sql"][:80] for q in queries]
    assert (first.answered_count, second.answered_count) == (1, 2)
    assert someone.stored() == {1: ([0], 1), 2: ([1], 2)}
