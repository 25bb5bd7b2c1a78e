"""The attempt lifecycle, straight through the services."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from quizzes.models import Attempt, ProctorAction, ScoreChange, Sitting
from quizzes.services import exams
from quizzes.services.errors import QuizError
from quizzes.services.papers import answer_key
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory

pytestmark = pytest.mark.django_db


def answer_all(attempt, *, right=True):
    key = answer_key(attempt.paper)
    for seq, (position, keys) in enumerate(sorted(key.items()), start=1):
        choice = keys if right else [i for i in range(2) if [i] != keys][:1]
        exams.save_answer(
            attempt_id=attempt.pk, position=position, choice=choice, client_seq=seq
        )
    return key


def test_start_resumes_the_attempt_in_progress():
    candidate = CandidateFactory()
    first = exams.start_attempt(candidate=candidate, device="a")
    again = exams.start_attempt(candidate=candidate, device="b")
    assert again.pk == first.pk
    assert again.device == "b"
    assert first.deadline == first.started_at + dt.timedelta(minutes=30)


def test_deadline_never_passes_the_window_close():
    sitting = SittingFactory(closes_at=timezone.now() + dt.timedelta(minutes=10))
    attempt = exams.start_attempt(candidate=CandidateFactory(sitting=sitting))
    assert attempt.deadline == sitting.closes_at


def test_a_sitting_not_opened_refuses_a_start():
    candidate = CandidateFactory(sitting=SittingFactory(status=Sitting.Status.DRAFT))
    with pytest.raises(QuizError) as error:
        exams.start_attempt(candidate=candidate)
    assert error.value.code == "not_open"


def test_resend_and_older_messages_change_nothing():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    _answer, changed = exams.save_answer(
        attempt_id=attempt.pk, position=1, choice=[2], client_seq=5
    )
    assert changed
    _, changed = exams.save_answer(
        attempt_id=attempt.pk, position=1, choice=[2], client_seq=5
    )
    assert not changed
    stale, changed = exams.save_answer(
        attempt_id=attempt.pk, position=1, choice=[0], client_seq=3
    )
    assert not changed and stale.choice == [2]
    attempt.refresh_from_db()
    assert attempt.answered_count == 1


@pytest.mark.parametrize(
    ("position", "choice", "code"),
    [
        (99, [0], "bad_position"),
        (1, [7], "bad_choice"),
        (1, [0, 1], "bad_choice"),  # two options on a single-choice question
        (1, "A", "bad_choice"),
        ("1", [0], "bad_message"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(position, choice, code):
    attempt = exams.start_attempt(candidate=CandidateFactory())
    with pytest.raises(QuizError) as error:
        exams.save_answer(
            attempt_id=attempt.pk, position=position, choice=choice, client_seq=1
        )
    assert error.value.code == code
    assert not attempt.answers.exists()


def test_answers_after_the_deadline_are_refused():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    with pytest.raises(QuizError) as error:
        exams.save_answer(
            attempt_id=attempt.pk,
            position=1,
            choice=[0],
            client_seq=1,
            now=attempt.deadline + dt.timedelta(seconds=1),
        )
    assert error.value.code == "past_deadline"


def test_all_right_scores_full_marks_and_passes():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    answer_all(attempt)
    attempt = exams.submit_attempt(
        attempt_id=attempt.pk, by=Attempt.SubmittedBy.CANDIDATE
    )
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == Decimal(100)
    assert attempt.passed is True
    # Submitting twice changes nothing.
    again = exams.submit_attempt(attempt_id=attempt.pk, by=Attempt.SubmittedBy.PROCTOR)
    assert again.submitted_by == Attempt.SubmittedBy.CANDIDATE


def test_partial_credit_for_multiple_choice_only_when_the_sitting_says_so():
    for partial, expected in ((False, Decimal(0)), (True, Decimal(10))):
        sitting = SittingFactory(partial_credit=partial)
        attempt = exams.start_attempt(candidate=CandidateFactory(sitting=sitting))
        key = answer_key(attempt.paper)
        multiple = next(p for p, k in key.items() if len(k) == 2)
        exams.save_answer(
            attempt_id=attempt.pk,
            position=multiple,
            choice=key[multiple][:1],
            client_seq=1,
        )
        attempt = exams.submit_attempt(
            attempt_id=attempt.pk, by=Attempt.SubmittedBy.CANDIDATE
        )
        assert attempt.answers.get(position=multiple).points == expected


def test_the_sweeper_submits_overdue_attempts_with_their_answers():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    answer_all(attempt)
    with time_machine.travel(attempt.deadline + dt.timedelta(seconds=1)):
        assert exams.sweep() == []  # inside the grace
    with time_machine.travel(attempt.deadline + dt.timedelta(seconds=6)):
        (swept,) = exams.sweep()
    assert swept.submitted_by == Attempt.SubmittedBy.DEADLINE
    assert swept.score == Decimal(100)


def test_extension_moves_the_deadline_and_is_logged():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    before = attempt.deadline
    exams.extend_time(
        sitting=attempt.candidate.sitting,
        minutes=10,
        actor=None,
        candidate=attempt.candidate,
    )
    attempt.refresh_from_db()
    assert attempt.deadline == before + dt.timedelta(minutes=10)
    assert ProctorAction.objects.filter(kind=ProctorAction.Kind.EXTEND).count() == 1


def test_focus_limit_warns_then_submits():
    sitting = SittingFactory(focus_loss_limit=3)
    attempt = exams.start_attempt(candidate=CandidateFactory(sitting=sitting))
    _, warning = exams.record_focus_loss(attempt_id=attempt.pk, kind="hidden")
    assert not warning
    _, warning = exams.record_focus_loss(attempt_id=attempt.pk, kind="blur")
    assert warning
    attempt, _ = exams.record_focus_loss(attempt_id=attempt.pk, kind="hidden")
    assert attempt.submitted_by == Attempt.SubmittedBy.FOCUS_LIMIT


def test_a_leaving_reported_again_after_a_reconnect_counts_once():
    sitting = SittingFactory(focus_loss_limit=2)
    attempt = exams.start_attempt(candidate=CandidateFactory(sitting=sitting))
    on_the_device = dt.datetime(2026, 11, 26, 9, 30, 1, 250_000, tzinfo=dt.UTC)
    _, warning = exams.record_focus_loss(
        attempt_id=attempt.pk, kind="blur", client_at=on_the_device
    )
    assert warning  # the next leaving submits
    attempt, warning = exams.record_focus_loss(
        attempt_id=attempt.pk, kind="blur", client_at=on_the_device
    )
    assert warning and attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.focus_losses == 1 and attempt.focus_events.count() == 1
    attempt, _ = exams.record_focus_loss(
        attempt_id=attempt.pk,
        kind="hidden",
        client_at=on_the_device + dt.timedelta(seconds=5),
    )
    assert attempt.submitted_by == Attempt.SubmittedBy.FOCUS_LIMIT


def test_readmit_reopens_with_answers_and_logs_the_withdrawn_score():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    answer_all(attempt)
    exams.submit_attempt(attempt_id=attempt.pk, by=Attempt.SubmittedBy.PROCTOR)
    reopened = exams.readmit(candidate=attempt.candidate, actor=None)
    assert reopened.status == Attempt.Status.IN_PROGRESS
    assert reopened.answers.filter(client_seq__gt=0).count() == 5
    assert ScoreChange.objects.filter(attempt=attempt).count() == 1


def test_closing_submits_everything_in_progress():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    _, submitted = exams.close_sitting(sitting=attempt.candidate.sitting, actor=None)
    assert [a.pk for a in submitted] == [attempt.pk]
    with pytest.raises(QuizError) as error:
        exams.start_attempt(
            candidate=CandidateFactory(sitting=attempt.candidate.sitting)
        )
    assert error.value.code == "closed"


def test_a_second_start_after_submitting_needs_an_attempt_left():
    candidate = CandidateFactory()
    attempt = exams.start_attempt(candidate=candidate)
    exams.submit_attempt(attempt_id=attempt.pk, by=Attempt.SubmittedBy.CANDIDATE)
    with pytest.raises(QuizError) as error:
        exams.start_attempt(candidate=candidate)
    assert error.value.code == "no_attempts_left"
    candidate.extra_attempts = 1
    candidate.save()
    assert exams.start_attempt(candidate=candidate).number == 2


def test_readmitting_someone_still_answering_is_refused():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    with pytest.raises(QuizError) as error:
        exams.readmit(candidate=attempt.candidate, actor=None)
    assert error.value.code == "nothing_to_readmit"


def test_a_sitting_whose_window_passed_cannot_be_opened():
    sitting = SittingFactory(status=Sitting.Status.DRAFT)
    with (
        time_machine.travel(sitting.closes_at + dt.timedelta(minutes=1)),
        pytest.raises(QuizError) as error,
    ):
        exams.open_sitting(sitting=sitting, actor=None)
    assert error.value.code == "window_passed"
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.DRAFT
