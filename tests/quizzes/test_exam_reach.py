"""A closed sitting reaches the ledger: one exam event, every candidate who sat as
one attendance (distinct persons; the absent not counted), nothing twice however
often it is recorded; the backfill command does the same."""

import io

import pytest
from django.core.management import call_command

from events.models import Attendance, Event
from events.services import ReachFilter, totals
from quizzes.models import Sitting
from quizzes.reach import record_sitting_reach, sitting_source_key
from quizzes.services import exams
from tests.factories import CountyFactory
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.grading_support import sit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting():
    sitting = SittingFactory(county=CountyFactory(name="博乐市"), name="第三批任前考试")
    for _ in range(3):
        sit(CandidateFactory(sitting=sitting), [])  # all wrong: sat all the same
    CandidateFactory(sitting=sitting)  # absent
    return sitting


def test_closing_records_the_event_and_each_sitter(
    sitting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        exams.close_sitting(sitting=sitting, actor=None)

    event = Event.objects.get(source_key=sitting_source_key(sitting.pk))
    assert event.event_type.key == "exam"
    assert event.title == "第三批任前考试"
    assert event.county == sitting.county
    rows = Attendance.objects.filter(event=event)
    assert rows.count() == 3
    assert rows.values("person").distinct().count() == 3
    year = event.starts_at.year
    figures = totals(ReachFilter(year=year))
    assert (figures.events, figures.person_times, figures.persons) == (1, 3, 3)


def test_recording_again_counts_nothing_twice(sitting):
    exams.close_sitting(sitting=sitting, actor=None)
    first = record_sitting_reach(sitting_id=sitting.pk)
    again = record_sitting_reach(sitting_id=sitting.pk)
    exams.close_sitting(sitting=sitting, actor=None)  # a second close does nothing
    assert first == again
    assert Event.objects.count() == 1
    assert Attendance.objects.count() == 3


def test_an_open_or_unsat_sitting_is_not_recorded(sitting):
    assert record_sitting_reach(sitting_id=sitting.pk) is None
    empty = SittingFactory(status=Sitting.Status.CLOSED)
    CandidateFactory(sitting=empty)
    assert record_sitting_reach(sitting_id=empty.pk) is None
    assert not Event.objects.exists()


def test_the_backfill_command_records_closed_sittings_once(sitting):
    exams.close_sitting(sitting=sitting, actor=None)
    SittingFactory()  # open: left alone
    out = io.StringIO()
    call_command("record_exam_reach", stdout=out)
    call_command("record_exam_reach", stdout=out)
    assert Event.objects.count() == 1
    assert Attendance.objects.count() == 3
    assert "1" in out.getvalue()
