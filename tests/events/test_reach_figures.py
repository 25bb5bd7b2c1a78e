"""Acceptance 1: 人次 and 人 on a fixture whose truth is known, with the same person
at a talk, a contest and an exam (recorded through the services other apps call)."""

import pytest

from events.services import (
    ReachFilter,
    breakdown,
    record_attendance,
    record_event,
    record_headcount,
    totals,
)
from tests.events.factories import EventFactory, event_type, local
from tests.factories import (
    CountyFactory,
    PersonFactory,
    TownshipFactory,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def ledger():
    """Truth, by hand:

    talk (博乐市): 张三 + 李四 by roster, 30 anonymous             → 32 人次, 2 人
    contest (online, prefecture): 张三 (by phone), 王五          →  2 人次, 2 人
    exam (online, prefecture): 张三 (by ID number, same person)   →  1 人次, 1 人
    consultation (精河县): 5 anonymous                           →  5 人次, 0 人
    total: 40 人次; 人 = {张三, 李四, 王五} = 3; anonymous 35 of 40.
    """
    bole = CountyFactory(name="博乐市")
    jinghe = CountyFactory(name="精河县")
    zhang = PersonFactory(full_name="张三", phone=PHONE)
    li = PersonFactory(full_name="李四")
    talk = EventFactory(county=bole, township=TownshipFactory(parent=bole))
    record_attendance(event=talk, person=zhang, source_key="roster:talk:zhang")
    record_attendance(event=talk, person=li, source_key="roster:talk:li")
    record_headcount(event=talk, count=30)

    contest, _ = record_event(
        source_key="quizzes.contest:7",
        event_type="contest",
        title="宪法知识竞赛",
        starts_at=local(2023, 12, 4, 15),
    )
    # The contest knows its players by phone: 张三 is matched, not duplicated.
    record_attendance(
        event=contest,
        full_name="张三",
        phone=PHONE,
        source_key="quizzes.contest:7:player:1",
    )
    record_attendance(
        event=contest,
        full_name="王五",
        phone="13700000005",
        source_key="quizzes.contest:7:player:2",
    )
    exam, _ = record_event(
        source_key="quizzes.sitting:3",
        event_type="exam",
        title="任前考试",
        starts_at=local(2023, 6, 20, 10),
    )
    # The exam knows its candidate by phone and ID number: still the same 张三.
    record_attendance(
        event=exam,
        full_name="张三",
        phone=PHONE,
        id_number=valid_id_number(900),
        source_key="quizzes.sitting:3:candidate:9",
    )
    consultation = EventFactory(
        county=jinghe, event_type=event_type("consultation"), platform="hotline"
    )
    record_headcount(event=consultation, count=5)
    return {"bole": bole, "jinghe": jinghe, "zhang": zhang}


def test_totals_count_person_times_and_distinct_persons(ledger):
    total = totals(ReachFilter(year=2023))

    assert total.events == 4
    assert total.person_times == 40
    assert total.persons == 3
    assert total.anonymous_person_times == 35
    assert total.anonymous_share == 87.5


def test_the_same_person_across_talk_contest_and_exam_is_one_person(ledger):
    zhang = ledger["zhang"]

    assert zhang.attendances.count() == 3
    assert zhang.attendances.values("event").distinct().count() == 3


def test_recording_again_counts_nothing_twice(ledger):
    contest, created = record_event(
        source_key="quizzes.contest:7",
        event_type="contest",
        title="宪法知识竞赛（更名）",
        starts_at=local(2023, 12, 4, 15),
    )
    again = record_attendance(
        event=contest,
        full_name="张三",
        phone=PHONE,
        source_key="quizzes.contest:7:player:1",
    )
    # Another channel reports the same person at the same contest under its own key.
    other_key = record_attendance(
        event=contest, full_name="张三", phone=PHONE, source_key="other:1"
    )

    assert not created and contest.title == "宪法知识竞赛（更名）"
    assert not again.created and not other_key.created
    assert totals(ReachFilter(year=2023)).person_times == 40


def test_a_running_total_from_a_source_replaces_itself(ledger):
    episode, _ = record_event(
        source_key="cms.episode:12:2023-05-09",
        event_type="case_episode",
        title="第12期",
        starts_at=local(2023, 5, 9, 12),
    )
    record_headcount(event=episode, count=100, source_key="cms.episode:12:2023-05-09")
    record_headcount(event=episode, count=140, source_key="cms.episode:12:2023-05-09")
    record_headcount(event=episode, count=140, source_key="cms.episode:12:2023-05-09")

    assert totals(ReachFilter(year=2023)).person_times == 40 + 140
    assert episode.attendances.count() == 2  # the first figure and its correction


def test_breakdowns_by_county_and_type(ledger):
    by_county = {
        line.label: line for line in breakdown(ReachFilter(year=2023), "county")
    }
    by_type = {line.key: line for line in breakdown(ReachFilter(year=2023), "type")}

    assert by_county["博乐市"].person_times == 32
    assert by_county["博乐市"].persons == 2
    assert by_county["精河县"].person_times == 5
    assert by_county["精河县"].persons == 0
    prefecture = next(line for line in by_county.values() if line.key is None)
    assert (prefecture.events, prefecture.person_times, prefecture.persons) == (2, 3, 2)
    assert by_type[event_type("contest").pk].persons == 2
    assert by_type[event_type("exam").pk].person_times == 1


def test_persons_per_line_do_not_add_up_to_the_total(ledger):
    lines = breakdown(ReachFilter(year=2023), "type")

    assert sum(line.person_times for line in lines) == 40
    assert sum(line.persons for line in lines) == 5  # 张三 in three lines
    assert totals(ReachFilter(year=2023)).persons == 3


def test_filters_narrow_to_a_county_month_and_platform(ledger):
    bole = ReachFilter(year=2023, county_id=ledger["bole"].pk)
    december = ReachFilter(year=2023, month=12)
    hotline = ReachFilter(year=2023, platform="hotline")

    assert (totals(bole).events, totals(bole).person_times) == (1, 32)
    assert totals(december).person_times == 2
    assert totals(hotline).person_times == 5
    assert totals(ReachFilter(year=2024)).person_times == 0
