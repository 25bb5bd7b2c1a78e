"""Acceptance 1: a cadre listens to two episodes, attends a lecture (check-in), takes
a practice paper and sits an exam (failed, then passed at the retake). The record
and the points follow the rules (docs/study.md, "A worked example"); a new rules
version recomputes the year as documented; the reach ledger counts each activity
once and the cadre as one person."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine

from events.models import Attendance, Event
from events.services import ReachFilter, check_in, totals
from quizzes.services import exams
from quizzes.services.papers import answer_key, displayed_keys
from study.services.points import Activity, statement
from study.services.practice import answer_item, start_practice
from study.services.record import study_record
from study.services.rules import create_rule_set
from tests.events.factories import EventFactory, event_type, local
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.study.conftest import CADRE_ID_NUMBER
from tests.study.factories import listen, listenable_episode

pytestmark = pytest.mark.django_db

DAY = local(2026, 3, 9, 9)


def practise(cadre, law, *, wrong):
    """Answer a practice paper of ``law``: the first ``wrong`` questions wrongly."""
    session = start_practice(person=cadre, law=law)
    for item in session.items.select_related("version").order_by("position"):
        key = displayed_keys(item)
        choice = key if item.position > wrong else [(key[0] + 1) % 2]
        answer_item(
            person=cadre, session_id=session.pk, position=item.position, choice=choice
        )
    session.refresh_from_db()
    return session


def sit(candidate, *, right):
    attempt = exams.start_attempt(candidate=candidate)
    key = answer_key(attempt.paper)
    for seq, (position, keys) in enumerate(sorted(key.items()), start=1):
        if right:
            exams.save_answer(
                attempt_id=attempt.pk, position=position, choice=keys, client_seq=seq
            )
    return exams.submit_attempt(attempt_id=attempt.pk, by="candidate")


def test_a_cadre_studies_and_sits_the_exam(
    rules, cadre, law_questions, django_capture_on_commit_callbacks
):
    law, _questions = law_questions
    first = listenable_episode(seconds=600, title="第1期 高空抛物")
    second = listenable_episode(seconds=900, title="第2期 相邻关系")
    lecture = EventFactory(
        event_type=event_type("lecture"),
        title="法治讲堂·逢九必讲 第3期",
        starts_at=local(2026, 3, 9, 16),
        ends_at=local(2026, 3, 9, 17, 30),
    )

    with time_machine.travel(DAY, tick=False) as traveller:
        # Two episodes heard in full: 10 + 15 minutes.
        assert listen(traveller, person=cadre, episode=first, seconds=600) == 600
        assert listen(traveller, person=cadre, episode=second, seconds=900) == 900
        # The lecture: the cadre checks in with their identity number.
        traveller.move_to(local(2026, 3, 9, 15, 50))
        result = check_in(
            event=lecture,
            full_name="王建国",
            id_number=CADRE_ID_NUMBER,
            client_id=uuid.uuid4(),
        )
        assert result.attendance.person_id == cadre.pk
        # A practice paper of 宪法: 4 questions, one answered wrong.
        traveller.move_to(local(2026, 3, 9, 20))
        paper = practise(cadre, law, wrong=1)
        assert (paper.question_count, paper.correct_count) == (4, 3)
        assert paper.finished_at is not None

        # The exam needs 15 points: the cadre has 17. Failed, then the retake.
        sitting = SittingFactory(min_study_points=Decimal(15))
        failed = sit(CandidateFactory(sitting=sitting, person=cadre), right=False)
        retake = SittingFactory(min_study_points=Decimal(15), retake_of=sitting)
        passed = sit(CandidateFactory(sitting=retake, person=cadre), right=True)
        assert (failed.passed, passed.passed) == (False, True)
        # Closing records the sitters in the ledger (quizzes.reach, on commit).
        with django_capture_on_commit_callbacks(execute=True):
            for closing in (sitting, retake):
                exams.close_sitting(sitting=closing, actor=None)

    record = study_record(cadre, 2026)

    # Episodes: how much of each was heard.
    heard = {e.label.split(" ", 1)[1]: (e.seconds, e.percent) for e in record.episodes}
    assert heard == {"第1期 高空抛物": (600, 100), "第2期 相邻关系": (900, 100)}
    # Lectures, practice, exams with the retake.
    assert [row["event__title"] for row in record.lectures] == [lecture.title]
    assert len(record.practice_finished) == 1
    assert [(e.sitting.pk, e.passed, e.is_retake) for e in record.exams] == [
        (sitting.pk, False, False),
        (retake.pk, True, True),
    ]
    assert record.retakes == 1
    assert record.review_open == 1  # the question answered wrong
    # 25 minutes of episodes + 90 minutes of lecture.
    assert record.hours == Decimal("1.9")

    # Points (rules v1): lecture 5; episodes 10 min × 0.5 = 5, then 15 min × 0.5
    # = 7.5 cut to 5 by the daily cap of 10; practice 2. Total 17.
    lines = [
        (line.kind, line.points, line.rule_set.version, bool(line.note))
        for line in record.statement.lines
    ]
    assert lines == [
        (Activity.LECTURE, Decimal(5), 1, False),
        (Activity.EPISODE, Decimal(5), 1, False),
        (Activity.EPISODE, Decimal(5), 1, True),  # the daily cap
        (Activity.PRACTICE, Decimal(2), 1, False),
    ]
    assert record.statement.total == Decimal(17)

    # The rules change from 1 January 2026 (version 2): 1 point a minute up to 12
    # a day, 8 per lecture. The year is recomputed: lecture 8, episodes 10 and 2
    # (the cap), practice 2 = 22. Each line names version 2.
    create_rule_set(
        valid_from=datetime.date(2026, 1, 1),
        episode_points_per_minute=Decimal(1),
        episode_daily_cap=Decimal(12),
        lecture_points=Decimal(8),
        note="提高收听积分",
    )
    recomputed = statement(cadre, 2026)
    assert [line.points for line in recomputed.lines] == [
        Decimal(8),
        Decimal(10),
        Decimal(2),
        Decimal(2),
    ]
    assert {line.rule_set.version for line in recomputed.lines} == {2}
    assert recomputed.total == Decimal(22)
    # As they stood before the change, the points are those shown then.
    assert statement(cadre, 2026, as_of=rules.created_at).total == Decimal(17)

    # The ledger: two online-listening events, the lecture, the month's online
    # practice and the two exams each count the cadre once: 6 人次, 1 人, no
    # anonymous play.
    figures = totals(ReachFilter(year=2026))
    assert (figures.person_times, figures.persons) == (6, 1)
    assert Event.objects.filter(event_type__key="exam").count() == 2
    listening = Event.objects.filter(event_type__key="online_listening")
    assert listening.count() == 2
    assert not Attendance.objects.filter(person__isnull=True).exists()
