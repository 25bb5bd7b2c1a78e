"""Acceptance 3: a sitting's study-points threshold refuses a candidate below it
(saying how many points are missing and where to earn them) and admits one above."""

from decimal import Decimal

import pytest
import time_machine

from quizzes.models import Attempt
from quizzes.services import exams
from quizzes.services.errors import QuizError
from tests.events.factories import (
    EventFactory,
    PersonAttendanceFactory,
    event_type,
    local,
)
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 19, 9)


def attend(person, key, when):
    event = EventFactory(event_type=event_type(key), starts_at=when, ends_at=when)
    return PersonAttendanceFactory(event=event, person=person)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_below_the_threshold_the_start_is_refused_with_the_missing_points(
    rules, cadre, clock
):
    attend(cadre, "lecture", local(2026, 3, 9, 16))  # 5 points this year
    attend(cadre, "lecture", local(2025, 12, 9, 16))  # last year: does not count
    candidate = CandidateFactory(
        person=cadre, sitting=SittingFactory(min_study_points=Decimal(12))
    )

    with pytest.raises(QuizError) as error:
        exams.start_attempt(candidate=candidate)

    assert error.value.code == "study_points_missing"
    message = str(error.value.message)
    assert "还差 7 分" in message
    assert "达到 12 分" in message and "已有 5 分" in message
    assert "/study/" in message  # where to earn them
    assert not Attempt.objects.filter(candidate=candidate).exists()


def test_at_or_above_the_threshold_the_candidate_starts(rules, cadre, clock):
    attend(cadre, "lecture", local(2026, 3, 9, 16))
    attend(cadre, "pre_meeting_study", local(2026, 4, 8, 9))
    attend(cadre, "thematic_lecture", local(2026, 5, 15, 15))  # 5 + 4 + 3 = 12
    candidate = CandidateFactory(
        person=cadre, sitting=SittingFactory(min_study_points=Decimal(12))
    )

    attempt = exams.start_attempt(candidate=candidate)

    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_a_sitting_without_a_threshold_asks_nothing(rules, cadre, clock):
    candidate = CandidateFactory(person=cadre, sitting=SittingFactory())
    assert exams.start_attempt(candidate=candidate).pk


def test_a_voided_check_in_no_longer_counts(rules, cadre, clock):
    from events.services import correct_attendance
    from tests.factories import UserFactory

    row = attend(cadre, "lecture", local(2026, 3, 9, 16))
    candidate = CandidateFactory(
        person=cadre, sitting=SittingFactory(min_study_points=Decimal(5))
    )
    correct_attendance(attendance=row, user=UserFactory(), reason="误签到")

    with pytest.raises(QuizError) as error:
        exams.start_attempt(candidate=candidate)
    assert "还差 5 分" in str(error.value.message)
