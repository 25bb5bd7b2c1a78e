"""Lectures: the public calendar and the iCalendar feed's memory of each lecture.

A calendar app that subscribed to the feed must hear of every change: the entry of
a lecture (cms.LectureCalendarEntry) keeps its UID for ever and raises its SEQUENCE
whenever what a calendar shows changes; a lecture cancelled, unpublished or deleted
stays in the feed as CANCELLED until it is over.
"""

import hashlib
import json
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

PAST_LECTURES_SHOWN = 30


@dataclass
class LectureCalendar:
    months: list  # [(first day of month, [LecturePage, …]), …] upcoming
    past: list


def lecture_calendar(*, series_slug=None, now=None):
    """Upcoming live lectures grouped by month, then the latest past ones."""
    from cms.models import LecturePage

    now = now or timezone.now()
    lectures = (
        LecturePage.objects.live()
        .public()
        .select_related("place__parent")
        .order_by("starts_at")
    )
    if series_slug:
        lectures = lectures.filter(path__startswith=_series_path(series_slug) or "-")
    upcoming = list(lectures.filter(ends_at__gte=now))
    months = [
        (month, list(items))
        for month, items in groupby(
            upcoming,
            key=lambda lecture: (
                timezone.localtime(lecture.starts_at).date().replace(day=1)
            ),
        )
    ]
    past = list(
        lectures.filter(ends_at__lt=now).order_by("-starts_at")[:PAST_LECTURES_SHOWN]
    )
    return LectureCalendar(months=months, past=past)


def _series_path(slug):
    from cms.models import LectureSeriesPage

    series = LectureSeriesPage.objects.filter(slug=slug).only("path").first()
    return series.path if series else None


def calendar_uid(lecture):
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "pufa"
    return f"lecture-{lecture.translation_key}@{host}"


def _entry_values(lecture, *, cancelled):
    from cms.models import LectureCalendarEntry

    status = (
        LectureCalendarEntry.Status.CANCELLED
        if cancelled or lecture.cancelled
        else LectureCalendarEntry.Status.CONFIRMED
    )
    series = lecture.get_parent()
    description = "\n".join(
        part
        for part in [
            f"{lecture.topic}",
            f"{lecture.speaker} {lecture.speaker_title}".strip(),
            series.title if series else "",
            strip_tags(lecture.summary)[:500],
        ]
        if part
    )
    return {
        "summary": lecture.title[:255],
        "description": description,
        "location": lecture.location()[:255],
        # The public address from BASE_URL: Wagtail's Site may still say localhost.
        "url": f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{lecture.url}"
        if lecture.url
        else "",
        "starts_at": lecture.starts_at,
        "ends_at": lecture.ends_at,
        "status": status,
    }


def _fingerprint(values):
    comparable = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in values.items()
    }
    return hashlib.sha256(
        json.dumps(comparable, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


@transaction.atomic
def sync_calendar_entry(*, lecture, removed=False):
    """Bring a lecture's calendar entry up to date; raise its SEQUENCE if what a
    calendar shows has changed. ``removed`` (unpublished or about to be deleted)
    makes it CANCELLED. Returns the entry."""
    from cms.models import LectureCalendarEntry

    values = _entry_values(lecture, cancelled=removed or not lecture.live)
    fingerprint = _fingerprint(values)
    # Two publishes at once must not both read the old sequence.
    entry = (
        LectureCalendarEntry.objects.select_for_update()
        .filter(uid=calendar_uid(lecture))
        .first()
    )
    if entry is None:
        return LectureCalendarEntry.objects.create(
            lecture=lecture if not removed else None,
            uid=calendar_uid(lecture),
            sequence=0,
            fingerprint=fingerprint,
            **values,
        )
    if entry.fingerprint != fingerprint:
        for key, value in values.items():
            setattr(entry, key, value)
        entry.fingerprint = fingerprint
        entry.sequence += 1
        entry.save()
    return entry


def upcoming_calendar_entries(*, now=None):
    from cms.models import LectureCalendarEntry

    now = now or timezone.now()
    return LectureCalendarEntry.objects.filter(ends_at__gte=now).order_by("starts_at")


def lecture_ical(*, entries, calendar_name, base_url):
    """The iCalendar (RFC 5545) text of ``entries``: times in Asia/Shanghai with
    its VTIMEZONE, stable UIDs, SEQUENCE and STATUS."""
    import zoneinfo

    from icalendar import Calendar, Event

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//pufa//lectures//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("sequence", entry.sequence)
        event.add("dtstamp", entry.updated_at)
        event.add("last-modified", entry.updated_at)
        event.add("dtstart", entry.starts_at.astimezone(tz))
        event.add("dtend", entry.ends_at.astimezone(tz))
        event.add("summary", entry.summary)
        event.add("status", entry.status)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
