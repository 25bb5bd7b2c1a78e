"""Writing the ledger: events and attendance, recorded idempotently and corrected
by appending, never by editing a figure in place.

These are the functions other apps call (cms for episode plays, quizzes for contest
players and exam sitters); see docs/data.md, "Recording reach from other apps".
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Attendance, Event, EventType, Platform
from events.services.errors import EventsError
from org.models import Place
from org.services import OrgError, find_or_create_person


@dataclass(frozen=True)
class Recorded:
    """What a recording call did: the row that counts, and whether it is new."""

    attendance: Attendance
    created: bool


def event_type_for(key_or_type):
    """An EventType from itself or its key; EventsError ``unknown_type`` if none."""
    if isinstance(key_or_type, EventType):
        return key_or_type
    event_type = EventType.objects.filter(key=key_or_type).first()
    if event_type is None:
        raise EventsError(
            "unknown_type",
            _("Unknown event type “%(key)s”.") % {"key": key_or_type},
            field="event_type",
        )
    return event_type


def check_event_fields(*, starts_at, ends_at, county, township, year=None):
    """The rules an event's time and place must follow, whoever records it.

    Raises EventsError ``ends_before_start``, ``outside_year``, ``not_a_county``,
    ``township_outside_county`` or ``township_without_county``.
    """
    check_event_time(starts_at=starts_at, ends_at=ends_at, year=year)
    check_event_place(county=county, township=township)


def check_event_time(*, starts_at, ends_at, year=None):
    """EventsError ``ends_before_start`` or ``outside_year``."""
    if ends_at < starts_at:
        raise EventsError(
            "ends_before_start",
            _("The end time is before the start time."),
            field="ends_at",
        )
    if year is not None and timezone.localtime(starts_at).year != year:
        raise EventsError(
            "outside_year",
            _("The date is not in %(year)d; check the date or import it with its year.")
            % {"year": year},
            field="starts_at",
        )


def check_event_place(*, county, township):
    """EventsError ``not_a_county``, ``township_outside_county`` or
    ``township_without_county``."""
    if county is not None and county.kind != Place.Kind.COUNTY:
        raise EventsError("not_a_county", _("Choose a county or city."), field="county")
    if township is not None:
        if county is None:
            raise EventsError(
                "township_without_county",
                _("Choose the county of the township too."),
                field="county",
            )
        if township.kind != Place.Kind.TOWNSHIP or township.parent_id != county.pk:
            raise EventsError(
                "township_outside_county",
                _("%(township)s is not in %(county)s.")
                % {"township": township, "county": county},
                field="township",
            )


@transaction.atomic
def record_event(
    *,
    source_key,
    event_type,
    title,
    starts_at,
    ends_at=None,
    county=None,
    township=None,
    venue="",
    unit=None,
    platform=Platform.ONLINE,
    notes="",
):
    """Create or update the event another app knows by ``source_key``.

    ``source_key`` is stable and names the source (e.g. ``"cms.episode:12:2023-05-09"``
    for one day of plays of episode 12, ``"quizzes.contest:7"``,
    ``"quizzes.sitting:3"``).
    A second call with the same key updates the event's description and returns the
    same event: nothing is counted twice. ``event_type`` is an EventType or its key.
    Returns ``(event, created)``. Raises EventsError (see ``check_event_fields``,
    ``unknown_type``, ``source_key_missing``).
    """
    if not source_key:
        raise EventsError("source_key_missing", _("A source key is required."))
    ends_at = ends_at or starts_at
    check_event_fields(
        starts_at=starts_at, ends_at=ends_at, county=county, township=township
    )
    fields = {
        "event_type": event_type_for(event_type),
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "county": county,
        "township": township,
        "venue": venue,
        "unit": unit,
        "platform": platform,
        "notes": notes,
    }
    event = Event.objects.select_for_update().filter(source_key=source_key).first()
    if event is None:
        try:
            with transaction.atomic():
                return Event.objects.create(source_key=source_key, **fields), True
        except IntegrityError:
            # Recorded by a concurrent call between our look-up and our insert.
            event = Event.objects.select_for_update().get(source_key=source_key)
    changed = [name for name, value in fields.items() if getattr(event, name) != value]
    if changed:
        for name in changed:
            setattr(event, name, fields[name])
        event.save(update_fields=[*changed, "updated_at"])
    return event, False


def _lock_event(event):
    # Every write to one event's attendance takes this lock, so "is this person
    # already counted here?" cannot race between two requests.
    return Event.objects.select_for_update().get(pk=event.pk)


def _person_from(*, person, full_name, id_number, phone, county):
    if person is not None:
        return person
    try:
        person, _created = find_or_create_person(
            full_name=full_name, id_number=id_number, phone=phone, county=county
        )
    except OrgError as error:
        raise EventsError(error.code, error.message) from error
    return person


def current_person_attendance(event, person):
    return (
        Attendance.objects.current()
        .filter(event=event, person=person)
        .order_by("recorded_at", "pk")
        .first()
    )


@transaction.atomic
def record_attendance(
    *,
    event,
    person=None,
    full_name=None,
    id_number=None,
    phone=None,
    source_key=None,
    client_id=None,
    kind=Attendance.Kind.SERVICE,
    recorded_at=None,
    user=None,
    import_batch=None,
):
    """Count one known person at an event, once.

    The person is ``person`` or is matched (or created) by the keyed hash of
    ``id_number`` or ``phone`` (org.services.find_or_create_person), so the same
    human is one person across talks, contests and exams. Idempotent three ways: the
    same ``source_key`` or ``client_id`` returns the row it made before, and a person
    already counted at the event is not counted again. Returns ``Recorded``.
    Raises EventsError (``invalid_phone``, ``invalid_id_number``, ``identity_missing``,
    ``identity_conflict``, ``name_missing``).
    """
    if source_key:
        existing = Attendance.objects.current().filter(source_key=source_key).first()
        if existing:
            return Recorded(existing, False)
    if client_id:
        existing = Attendance.objects.filter(client_id=client_id).first()
        if existing:
            return Recorded(existing, False)
    person = _person_from(
        person=person,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        county=event.county,
    )
    event = _lock_event(event)
    existing = current_person_attendance(event, person)
    if existing:
        return Recorded(existing, False)
    attendance = Attendance.objects.create(
        event=event,
        person=person,
        count=1,
        kind=kind,
        recorded_at=recorded_at or timezone.now(),
        source_key=source_key or None,
        client_id=client_id,
        recorded_by=user,
        import_batch=import_batch,
    )
    return Recorded(attendance, True)


def headcount_key(event):
    """The source key of the headcount an organiser enters for an event by hand."""
    return f"events.headcount:{event.pk}"


@transaction.atomic
def record_headcount(
    *, event, count, source_key=None, user=None, reason="", import_batch=None
):
    """Set the anonymous headcount that ``source_key`` names (default: the event's
    own headcount) to ``count`` 人次.

    The first call appends a headcount row; a later call with another figure appends
    a correction of the current row (with ``reason``); the same figure changes
    nothing. So a source may report a running total (plays so far today) as often as
    it likes. Returns ``Recorded``. Raises EventsError ``negative_headcount``.
    """
    if count is None or count < 0:
        raise EventsError(
            "negative_headcount",
            _("The headcount must be zero or a positive whole number."),
            field="headcount",
        )
    source_key = source_key or headcount_key(event)
    event = _lock_event(event)
    current = Attendance.objects.current().filter(source_key=source_key).first()
    if current is None:
        if count == 0:
            return Recorded(None, False)
        row = Attendance.objects.create(
            event=event,
            person=None,
            count=count,
            kind=Attendance.Kind.HEADCOUNT,
            source_key=source_key,
            recorded_by=user,
            import_batch=import_batch,
        )
        return Recorded(row, True)
    if current.count == count:
        return Recorded(current, False)
    row = Attendance.objects.create(
        event=event,
        person=None,
        count=count,
        kind=Attendance.Kind.CORRECTION,
        corrects=current,
        source_key=source_key,
        reason=reason or _("Updated by its source"),
        recorded_by=user,
    )
    return Recorded(row, True)


def current_headcount(event):
    row = Attendance.objects.current().filter(source_key=headcount_key(event)).first()
    return row.count if row else 0


@transaction.atomic
def correct_attendance(*, attendance, user, reason, count=None):
    """Replace a ledger row by a correction row: a new headcount figure, or, for a
    person (or with ``count=0``), a void. The old row stays, visible in the history.

    Raises EventsError ``reason_missing``, ``already_corrected`` (someone corrected
    it first: correct the newer row) or ``negative_headcount``.
    """
    reason = (reason or "").strip()
    if not reason:
        raise EventsError(
            "reason_missing", _("Say why the figure is corrected."), field="reason"
        )
    _lock_event(attendance.event)
    if Attendance.objects.filter(corrects=attendance).exists():
        raise EventsError(
            "already_corrected",
            _("This entry has already been corrected; correct the newer entry."),
        )
    if attendance.person_id or count is None:
        count = 0
    if count < 0:
        raise EventsError(
            "negative_headcount",
            _("The headcount must be zero or a positive whole number."),
            field="count",
        )
    return Attendance.objects.create(
        event=attendance.event,
        person=None,
        count=count,
        kind=Attendance.Kind.CORRECTION,
        corrects=attendance,
        source_key=attendance.source_key,
        reason=reason,
        recorded_by=user,
    )


def history_of(event):
    """Every ledger row of an event, corrections included, oldest first."""
    return (
        Attendance.objects.filter(event=event)
        .select_related("person", "recorded_by", "corrects", "correction")
        .order_by("recorded_at", "pk")
    )
