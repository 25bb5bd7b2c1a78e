"""The demo sittings: one closed with graded papers of demo cadres (some failed,
two absent) counted in the reach ledger, and its retake next week holding exactly
the failed and absent; loading the demo again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Attendance, Event
from quizzes.models import Attempt, Candidate, ProctorAction, Sitting
from quizzes.reach import sitting_source_key
from quizzes.services.results import Outcome, sitting_results


@pytest.fixture
def demo(demo_data, db):
    return demo_data


def sittings():
    closed = Sitting.objects.get(status=Sitting.Status.CLOSED, retake_of=None)
    return closed, closed.retakes.get()


def test_the_closed_sitting_has_graded_papers_passes_and_fails(demo):
    closed, _retake = sittings()
    outcomes = [row.outcome for row in sitting_results(closed)]
    assert outcomes.count(Outcome.ABSENT) == 2
    assert Outcome.PASSED in outcomes and Outcome.FAILED in outcomes
    assert not Attempt.objects.filter(
        candidate__sitting=closed, status=Attempt.Status.IN_PROGRESS
    ).exists()
    assert closed.closes_at <= timezone.now()
    event = Event.objects.get(source_key=sitting_source_key(closed.pk))
    assert Attendance.objects.filter(event=event).count() == len(outcomes) - 2


def test_the_retake_is_upcoming_with_the_failed_and_absent(demo):
    closed, retake = sittings()
    assert retake.status == Sitting.Status.DRAFT
    assert retake.opens_at > timezone.now()
    failed = {
        row.candidate.pk
        for row in sitting_results(closed)
        if row.outcome in (Outcome.FAILED, Outcome.ABSENT)
    }
    assert set(retake.candidates.values_list("carried_from", flat=True)) == failed
    assert ProctorAction.objects.filter(
        sitting=retake, kind=ProctorAction.Kind.CARRY_FAILED
    ).exists()


def test_loading_again_changes_no_sitting(demo):
    before = (
        Sitting.objects.count(),
        Candidate.objects.count(),
        Attempt.objects.count(),
        ProctorAction.objects.count(),
        Attendance.objects.count(),
        list(Attempt.objects.order_by("pk").values_list("score", flat=True)),
    )
    call_command("load_demo", stdout=io.StringIO())
    after = (
        Sitting.objects.count(),
        Candidate.objects.count(),
        Attempt.objects.count(),
        ProctorAction.objects.count(),
        Attendance.objects.count(),
        list(Attempt.objects.order_by("pk").values_list("score", flat=True)),
    )
    assert after == before
