"""Acceptance 2: the iCalendar feed of upcoming lectures, parsed with icalendar."""

import datetime

import pytest
import time_machine
from icalendar import Calendar

from cms.models import LectureCalendarEntry
from tests.cms import factories

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2029, 12, 1, 9, 0, tzinfo=datetime.UTC)


def events(client):
    response = client.get("/feeds/lectures.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@time_machine.travel(NOW)
def test_upcoming_lectures_in_shanghai_time_with_stable_uids(client):
    lecture = factories.lecture(title="法治讲堂：相邻关系")

    calendar, by_uid = events(client)

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    event = by_uid[f"lecture-{lecture.translation_key}@127.0.0.1"]
    assert str(event["SUMMARY"]) == "法治讲堂：相邻关系"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTSTART"].dt == lecture.starts_at
    assert event["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=8)
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "博乐市" in str(event["LOCATION"])


@time_machine.travel(NOW)
def test_a_changed_lecture_carries_a_higher_sequence(client):
    lecture = factories.lecture()
    _calendar, before = events(client)

    lecture.starts_at += datetime.timedelta(hours=2)
    lecture.ends_at += datetime.timedelta(hours=2)
    lecture.save_revision().publish()
    _calendar, after = events(client)

    uid = next(iter(before))
    assert after[uid]["SEQUENCE"] == before[uid]["SEQUENCE"] + 1
    assert after[uid]["DTSTART"].dt == lecture.starts_at


@time_machine.travel(NOW)
def test_republishing_without_a_change_keeps_the_sequence(client):
    lecture = factories.lecture()
    lecture.save_revision().publish()

    _calendar, by_uid = events(client)

    assert next(iter(by_uid.values()))["SEQUENCE"] == 0


@time_machine.travel(NOW)
def test_a_cancelled_lecture_is_sent_as_cancelled(client):
    lecture = factories.lecture()
    lecture.cancelled = True
    lecture.save_revision().publish()

    _calendar, by_uid = events(client)

    event = next(iter(by_uid.values()))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


@time_machine.travel(NOW)
def test_an_unpublished_or_deleted_lecture_stays_as_cancelled(client):
    unpublished = factories.lecture()
    deleted = factories.lecture()
    uids = {
        f"lecture-{unpublished.translation_key}@127.0.0.1",
        f"lecture-{deleted.translation_key}@127.0.0.1",
    }

    unpublished.unpublish()
    deleted.delete()
    _calendar, by_uid = events(client)

    assert set(by_uid) == uids
    assert {str(e["STATUS"]) for e in by_uid.values()} == {"CANCELLED"}
    assert all(e["SEQUENCE"] == 1 for e in by_uid.values())
    assert LectureCalendarEntry.objects.count() == 2


def test_past_lectures_leave_the_feed(client):
    with time_machine.travel(NOW):
        factories.lecture()
    with time_machine.travel(NOW + datetime.timedelta(days=60)):
        _calendar, by_uid = events(client)
    assert by_uid == {}
