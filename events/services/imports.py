"""Importing events and attendance lists: check every row, show the errors, then add
everything or nothing.

The same rules serve the admin (upload → preview → confirm), the commands
``import_events`` / ``import_attendance`` and the background task for large files.
A file is identified by its SHA-256: importing it again is refused and reported,
so nothing is counted twice. Rows are checked in bulk (a few queries per file, not
per row) so 100,000 rows import in well under a minute.
"""

import datetime
import gzip
import hashlib
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Attendance, Event, EventType, ImportBatch, Platform
from events.services.errors import EventsError
from events.services.ledger import (
    check_event_place,
    check_event_time,
    headcount_key,
)
from events.services.spreadsheets import count_rows, read_rows
from org.models import Person, Place, Unit
from org.services import (
    OrgError,
    identity_hash,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
)

EVENT_COLUMNS = {
    "*event_type": ("类型", "type"),
    "*title": ("标题", "title"),
    "*starts_at": ("开始时间", "starts_at"),
    "ends_at": ("结束时间", "ends_at"),
    "county": ("县市", "county"),
    "township": ("乡镇", "township"),
    "venue": ("地点", "venue"),
    "unit": ("组织单位", "unit"),
    "platform": ("平台", "platform"),
    "headcount": ("人数", "headcount"),
    "notes": ("备注", "notes"),
}
ATTENDANCE_COLUMNS = {
    "*event": ("活动编号", "event"),
    "*full_name": ("姓名", "full_name"),
    "phone": ("手机号", "phone"),
    "id_number": ("身份证号", "id_number"),
}
COLUMNS = {
    ImportBatch.Kind.EVENTS: EVENT_COLUMNS,
    ImportBatch.Kind.ATTENDANCE: ATTENDANCE_COLUMNS,
}
PLATFORM_WORDS = {
    "法律热线": Platform.HOTLINE,
    "热线": Platform.HOTLINE,
    "hotline": Platform.HOTLINE,
    "网络": Platform.ONLINE,
    "线上": Platform.ONLINE,
    "online": Platform.ONLINE,
    "实体": Platform.ONSITE,
    "现场": Platform.ONSITE,
    "线下": Platform.ONSITE,
    "onsite": Platform.ONSITE,
}
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y.%m.%d %H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d")
# Files with more rows than this are checked and imported by the background worker.
INLINE_ROWS = 2_000
PROGRESS_EVERY = 2_000
MAX_ERRORS_KEPT = 500


def column_label(kind, name):
    for key, aliases in COLUMNS[kind].items():
        if key.lstrip("*") == name:
            return aliases[0]
    return name


class RowErrors(Exception):
    pass


@dataclass
class Plan:
    """What a file would do: rows to add, and every error found (row, column, why)."""

    kind: str
    rows: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    events: list = field(default_factory=list)  # events: (Event, headcount)
    new_persons: list = field(default_factory=list)  # attendance: Person objects
    attendance: list = field(default_factory=list)  # (event_id, person ref, row)
    already_counted: int = 0
    duplicates: int = 0
    known_persons: int = 0
    preview: list = field(default_factory=list)
    parsed: list | None = None  # attendance: rows as checked, for the import

    def error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            label = column_label(self.kind, column) if column else ""
            self.errors.append({"row": row, "field": label, "message": str(message)})

    @property
    def summary(self):
        if self.kind == ImportBatch.Kind.EVENTS:
            return _("%(rows)d rows: %(events)d events to add.") % {
                "rows": self.rows,
                "events": len(self.events),
            }
        return _(
            "%(rows)d rows: %(add)d attendances to add (%(new)d new persons, "
            "%(known)d known); %(already)d already counted and %(dup)d repeated in "
            "the file are skipped."
        ) % {
            "rows": self.rows,
            "add": len(self.attendance),
            "new": len(self.new_persons),
            "known": self.known_persons,
            "already": self.already_counted,
            "dup": self.duplicates,
        }


def file_checksum(content):
    return hashlib.sha256(content).hexdigest()


def create_batch(*, kind, filename, content, user=None, scope=None, year=None):
    """Register an uploaded file. Raises EventsError ``duplicate_file`` when the same
    file was imported before (nothing is added twice), or a file-type error."""
    count = count_rows(filename, content)  # also checks the type and size
    sha256 = file_checksum(content)
    earlier = (
        ImportBatch.objects.filter(
            kind=kind,
            sha256=sha256,
            status__in=[
                ImportBatch.Status.QUEUED,
                ImportBatch.Status.RUNNING,
                ImportBatch.Status.DONE,
            ],
        )
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        raise EventsError(
            "duplicate_file",
            gettext_lazy(
                "This file was already imported on %(when)s (import no. %(pk)d); "
                "nothing was added again."
            )
            % {
                "when": timezone.localtime(earlier.created_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "pk": earlier.pk,
            },
        )
    return ImportBatch.objects.create(
        kind=kind,
        filename=filename[:200],
        sha256=sha256,
        content=content,
        total_rows=count,
        year=year,
        county_id=None if scope is None else scope.county_id,
        created_by=user,
        status=ImportBatch.Status.VALIDATING,
    )


def _progress(batch, done):
    if done % PROGRESS_EVERY == 0:
        # Its own statement, outside any transaction, so the admin sees it move.
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)


def _parse_datetime(value, column, row, plan):
    tz = timezone.get_current_timezone()
    if value in ("", None):
        return None
    if isinstance(value, datetime.datetime):
        return timezone.make_aware(value, tz) if timezone.is_naive(value) else value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(9), tzinfo=tz)
    text = str(value).strip()
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    for pattern in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(text, pattern).date()
            return datetime.datetime.combine(day, datetime.time(9), tzinfo=tz)
        except ValueError:
            continue
    plan.error(
        row,
        column,
        _("“%(value)s” is not a date and time; write it as 2023-05-09 10:00.")
        % {"value": text},
    )
    return None


def _lookup(model_rows):
    table = {}
    for obj, names in model_rows:
        for name in names:
            if name:
                table.setdefault(str(name).strip().lower(), obj)
    return table


def plan_events(batch, rows, scope):
    plan = Plan(kind=ImportBatch.Kind.EVENTS)
    types = _lookup((t, (t.name, t.key)) for t in EventType.objects.all())
    counties = {p.name: p for p in Place.objects.counties()}
    townships = {}
    for township in Place.objects.townships():
        townships.setdefault(township.name, []).append(township)
    units = _lookup((u, (u.name, u.short_name)) for u in Unit.objects.all())
    seen = {}
    for number, values in rows:
        plan.rows += 1
        _progress(batch, plan.rows)
        errors_before = plan.error_count
        event_type = types.get(str(values.get("event_type", "")).strip().lower())
        if event_type is None:
            plan.error(
                number,
                "event_type",
                _("Unknown type “%(value)s”; use one of the list in docs/data.md.")
                % {"value": values.get("event_type", "")},
            )
        title = str(values.get("title", "")).strip()
        if not title:
            plan.error(number, "title", _("The title is empty."))
        elif len(title) > 200:
            plan.error(number, "title", _("The title is longer than 200 characters."))
        starts_at = _parse_datetime(values.get("starts_at"), "starts_at", number, plan)
        if starts_at is None and values.get("starts_at") in ("", None):
            plan.error(number, "starts_at", _("The start time is empty."))
        ends_at = (
            _parse_datetime(values.get("ends_at"), "ends_at", number, plan) or starts_at
        )
        county = None
        errors_before_place = plan.error_count
        county_name = str(values.get("county", "")).strip()
        if county_name:
            county = counties.get(county_name)
            if county is None:
                plan.error(
                    number,
                    "county",
                    _("“%(value)s” is not a county or city of the prefecture.")
                    % {"value": county_name},
                )
        if (
            scope is not None
            and not scope.is_whole_prefecture
            and (county is None or county.pk != scope.county_id)
        ):
            plan.error(
                number, "county", _("You may import events of your own county only.")
            )
        township = None
        township_name = str(values.get("township", "")).strip()
        if township_name:
            candidates = townships.get(township_name, [])
            township = next(
                (t for t in candidates if county and t.parent_id == county.pk),
                candidates[0] if candidates else None,
            )
            if township is None:
                plan.error(
                    number,
                    "township",
                    _("“%(value)s” is not a township of the prefecture.")
                    % {"value": township_name},
                )
        place_errors = plan.error_count != errors_before_place
        unit = None
        unit_name = str(values.get("unit", "")).strip()
        if unit_name:
            unit = units.get(unit_name.lower())
            if unit is None:
                plan.error(
                    number,
                    "unit",
                    _("Unknown unit “%(value)s”; enter it under Units first.")
                    % {"value": unit_name},
                )
        platform_word = str(values.get("platform", "")).strip().lower()
        platform = PLATFORM_WORDS.get(platform_word or "实体")
        if platform is None:
            plan.error(
                number,
                "platform",
                _("The platform must be 法律热线, 网络 or 实体, not “%(value)s”.")
                % {"value": values.get("platform")},
            )
        headcount = _headcount(values.get("headcount"), number, plan)
        # Time and place are checked apart, so a row shows every mistake at once.
        if starts_at and ends_at:
            try:
                check_event_time(starts_at=starts_at, ends_at=ends_at, year=batch.year)
            except EventsError as error:
                plan.error(number, error.field, error.message)
        if not place_errors:
            try:
                check_event_place(county=county, township=township)
            except EventsError as error:
                plan.error(number, error.field, error.message)
        if plan.error_count != errors_before:
            continue
        identity = (event_type.pk, title, starts_at, county.pk if county else None)
        if identity in seen:
            plan.error(
                number,
                "title",
                _("The same event is already in row %(row)d.")
                % {"row": seen[identity]},
            )
            continue
        seen[identity] = number
        event = Event(
            event_type=event_type,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            county=county,
            township=township,
            venue=str(values.get("venue", "")).strip()[:200],
            unit=unit,
            platform=platform,
            notes=str(values.get("notes", "")).strip(),
            import_batch=batch,
            created_by=batch.created_by,
        )
        plan.events.append((event, headcount))
        if len(plan.preview) < 20:
            plan.preview.append(
                {
                    "row": number,
                    "cells": [
                        event_type.name,
                        title,
                        timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
                        str(county or _("Prefecture level (州直)")),
                        str(township or ""),
                        str(unit or ""),
                        str(Platform(platform).label),
                        headcount,
                    ],
                }
            )
    return plan


def _headcount(value, number, plan):
    if value in ("", None):
        return 0
    try:
        count = int(str(value).strip())
    except ValueError:
        count = None
    if count is None or count < 0:
        plan.error(
            number,
            "headcount",
            _("The headcount must be zero or a positive whole number, not “%(value)s”.")
            % {"value": value},
        )
        return 0
    return count


def plan_attendance(batch, rows, scope):
    """Check an attendance list in bulk: persons matched by keyed hash, as
    org.services.find_or_create_person does one at a time."""
    plan = Plan(kind=ImportBatch.Kind.ATTENDANCE)
    plan.parsed = parse_attendance(batch, rows, plan)
    return resolve_attendance(plan, plan.parsed, scope)


def parse_attendance(batch, rows, plan):
    """Each row's event number, name and keyed hashes (the file's own errors go to
    ``plan``). Kept after the check, so the import need not read the file again."""
    parsed = []
    for number, values in rows:
        plan.rows += 1
        _progress(batch, plan.rows)
        errors_before = plan.error_count
        raw_event = str(values.get("event", "")).strip()
        try:
            event_id = int(raw_event)
        except ValueError:
            event_id = None
            plan.error(
                number,
                "event",
                _("“%(value)s” is not an event number; copy it from the event list.")
                % {"value": raw_event},
            )
        full_name = str(values.get("full_name", "")).strip()
        if not full_name:
            plan.error(number, "full_name", _("The name is empty."))
        id_hash = phone_hash = None
        id_masked = phone_masked = ""
        if values.get("id_number") not in ("", None):
            try:
                id_number = normalise_id_number(values["id_number"])
                id_hash = identity_hash("id", id_number)
                id_masked = mask_id_number(id_number)
            except OrgError as error:
                plan.error(number, "id_number", error.message)
        if values.get("phone") not in ("", None):
            try:
                phone = normalise_phone(values["phone"])
                phone_hash = identity_hash("phone", phone)
                phone_masked = mask_phone(phone)
            except OrgError as error:
                plan.error(number, "phone", error.message)
        if plan.error_count == errors_before and not id_hash and not phone_hash:
            plan.error(
                number,
                "phone",
                _("Give a phone number or an identity number to recognise the person."),
            )
        if plan.error_count == errors_before:
            parsed.append(
                [
                    number,
                    event_id,
                    full_name,
                    id_hash,
                    id_masked,
                    phone_hash,
                    phone_masked,
                ]
            )
    return parsed


def resolve_attendance(plan, parsed, scope):
    """Match the parsed rows against the ledger: events, known persons, people
    already counted. Run at the check and again, on the kept rows, at the import."""
    events = Event.objects.in_bulk({row[1] for row in parsed})
    limited = scope is not None and not scope.is_whole_prefecture
    by_id, by_phone = _known_persons(parsed)
    already = set()
    if events:
        pairs = Attendance.objects.current().filter(
            event_id__in=list(events),
            person_id__in=set(by_id.values()) | set(by_phone.values()),
        )
        already = set(pairs.values_list("event_id", "person_id"))
    new_by_id, new_by_phone = {}, {}
    seen = set()
    for number, event_id, name, id_hash, id_masked, phone_hash, phone_masked in parsed:
        event = events.get(event_id)
        if event is None:
            plan.error(
                number,
                "event",
                _("There is no event number %(value)s.") % {"value": event_id},
            )
            continue
        if limited and event.county_id != scope.county_id:
            plan.error(
                number,
                "event",
                _("Event %(value)s is not in your county.") % {"value": event_id},
            )
            continue
        person_a = by_id.get(id_hash) if id_hash else None
        person_b = by_phone.get(phone_hash) if phone_hash else None
        if person_a and person_b and person_a != person_b:
            plan.error(
                number,
                "id_number",
                _(
                    "This identity number and this phone number belong to two "
                    "different people on record; please check both."
                ),
            )
            continue
        person = person_a or person_b
        if person is None:
            pending = (id_hash and new_by_id.get(id_hash)) or (
                phone_hash and new_by_phone.get(phone_hash)
            )
            if pending is None:
                pending = NewPerson(
                    name, id_hash, id_masked, phone_hash, phone_masked, event.county_id
                )
                plan.new_persons.append(pending)
            if id_hash:
                new_by_id.setdefault(id_hash, pending)
            if phone_hash:
                new_by_phone.setdefault(phone_hash, pending)
            person = pending
        else:
            plan.known_persons += 1
        key = (event_id, person)
        if key in seen:
            plan.duplicates += 1
            continue
        seen.add(key)
        if key in already:
            plan.already_counted += 1
            continue
        plan.attendance.append((event_id, person, number))
        if len(plan.preview) < 20:
            plan.preview.append(
                {
                    "row": number,
                    "cells": [event_id, event.title, name, phone_masked or id_masked],
                }
            )
    return plan


class NewPerson:
    """A person the file brings who is not on record yet (created at the import)."""

    __slots__ = (
        "county_id",
        "full_name",
        "id_hash",
        "id_masked",
        "phone_hash",
        "phone_masked",
        "pk",
    )

    def __init__(self, full_name, id_hash, id_masked, phone_hash, phone_masked, county):
        self.full_name = full_name
        self.id_hash = id_hash or ""
        self.id_masked = id_masked
        self.phone_hash = phone_hash or ""
        self.phone_masked = phone_masked
        self.county_id = county
        self.pk = None


def _known_persons(parsed, chunk=30_000):
    id_hashes = sorted({row[3] for row in parsed if row[3]})
    phone_hashes = sorted({row[5] for row in parsed if row[5]})
    by_id, by_phone = {}, {}
    for start in range(0, len(id_hashes), chunk):
        by_id.update(
            # The "<> ''" lets PostgreSQL use the partial unique index on the hash.
            Person.objects.filter(id_number_hash__in=id_hashes[start : start + chunk])
            .exclude(id_number_hash="")
            .order_by()
            .values_list("id_number_hash", "pk")
        )
    for start in range(0, len(phone_hashes), chunk):
        by_phone.update(
            Person.objects.filter(phone_hash__in=phone_hashes[start : start + chunk])
            .exclude(phone_hash="")
            .order_by()
            .values_list("phone_hash", "pk")
        )
    return by_id, by_phone


PLANNERS = {
    ImportBatch.Kind.EVENTS: (plan_events, EVENT_COLUMNS),
    ImportBatch.Kind.ATTENDANCE: (plan_attendance, ATTENDANCE_COLUMNS),
}


def _scope_of(batch):
    from org.scoping import Scope

    return Scope(county_id=batch.county_id)


def _plan(batch):
    if batch.kind == ImportBatch.Kind.ATTENDANCE and batch.checked_rows:
        # The rows as checked at the preview: matched again against the ledger as it
        # is now, without reading and hashing the file a second time.
        plan = Plan(kind=batch.kind, rows=batch.total_rows)
        parsed = json.loads(gzip.decompress(bytes(batch.checked_rows)))
        return resolve_attendance(plan, parsed, _scope_of(batch))
    planner, columns = PLANNERS[batch.kind]
    rows = read_rows(batch.filename, bytes(batch.content), columns)
    return planner(batch, rows, _scope_of(batch))


def validate_batch(batch):
    """Check every row of an uploaded file and keep the errors and a preview.

    Leaves the batch PREVIEWED (ready to confirm) or REFUSED (errors to fix).
    """
    try:
        plan = _plan(batch)
    except EventsError as error:
        batch.status = ImportBatch.Status.REFUSED
        batch.errors = [{"row": "", "field": "", "message": str(error.message)}]
        batch.error_count = 1
        batch.message = str(error.message)
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    batch.total_rows = plan.rows
    batch.processed_rows = plan.rows
    batch.errors = plan.errors
    batch.error_count = plan.error_count
    batch.preview = plan.preview
    if plan.error_count:
        batch.status = ImportBatch.Status.REFUSED
        batch.message = _(
            "%(errors)d errors in %(rows)d rows: nothing was imported. Correct the "
            "file and upload it again."
        ) % {"errors": plan.error_count, "rows": plan.rows}
        batch.finished_at = timezone.now()
    else:
        batch.status = ImportBatch.Status.PREVIEWED
        batch.message = plan.summary
        if plan.parsed is not None:
            batch.checked_rows = gzip.compress(json.dumps(plan.parsed).encode(), 1)
    batch.save()
    return batch


def apply_batch(batch):
    """Add everything the file holds, or nothing (one transaction).

    Re-checks the rows first (the ledger may have changed since the preview). Raises
    nothing: the outcome is in the batch's status and message.
    """
    # Claimed by one conditional UPDATE, committed at once so the admin shows it:
    # a second worker or a second click finds nothing to claim.
    claimed = ImportBatch.objects.filter(
        pk=batch.pk,
        status__in=[ImportBatch.Status.PREVIEWED, ImportBatch.Status.QUEUED],
    ).update(status=ImportBatch.Status.RUNNING)
    if not claimed:
        batch.refresh_from_db()
        return batch
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            plan = _plan(locked)
            if plan.error_count:
                raise RowErrors(plan)
            created = _write(locked, plan)
            locked.status = ImportBatch.Status.DONE
            locked.created_rows = created
            locked.processed_rows = plan.rows
            locked.message = _("Imported: %(summary)s") % {"summary": plan.summary}
            locked.finished_at = timezone.now()
            # The file is no longer needed once its rows are in the ledger (it may
            # hold phone numbers); its checksum stays to refuse a second import.
            locked.content = b""
            locked.checked_rows = b""
            locked.save()
            return locked
    except RowErrors as refused:
        plan = refused.args[0]
        return _fail(
            batch,
            ImportBatch.Status.REFUSED,
            _("The ledger changed since the preview: %(errors)d rows now have errors.")
            % {"errors": plan.error_count},
            plan.errors,
        )
    except IntegrityError:
        return _fail(
            batch,
            ImportBatch.Status.FAILED,
            _(
                "Someone recorded the same attendance at the same moment; nothing was "
                "imported. Upload the file again."
            ),
        )


def _fail(batch, status, message, errors=None):
    batch.refresh_from_db()
    batch.status = status
    batch.message = str(message)
    if errors is not None:
        batch.errors = errors
        batch.error_count = len(errors)
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def _write(batch, plan):
    if batch.kind == ImportBatch.Kind.EVENTS:
        events = Event.objects.bulk_create([event for event, _count in plan.events])
        headcounts = [
            Attendance(
                event=event,
                count=count,
                kind=Attendance.Kind.HEADCOUNT,
                source_key=headcount_key(event),
                import_batch=batch,
                recorded_by=batch.created_by,
            )
            for event, (_event, count) in zip(events, plan.events, strict=True)
            if count
        ]
        Attendance.objects.bulk_create(headcounts, batch_size=2_000)
        return len(events)
    # Lock the events so a concurrent check-in cannot add the same person meanwhile.
    event_ids = sorted({event_id for event_id, _person, _row in plan.attendance})
    list(Event.objects.select_for_update().filter(pk__in=event_ids).values_list("pk"))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    highest_person = Person.objects.aggregate(highest=Max("pk"))["highest"] or 0
    # Plain multi-row INSERTs: a 100,000-row list is written in seconds, where
    # building model instances for bulk_create would take most of a minute. The rows
    # are the same as the ORM would write (every column listed).
    _insert(
        Person,
        [
            "created_at",
            "updated_at",
            "full_name",
            "id_number_hash",
            "id_number_masked",
            "phone_hash",
            "phone_masked",
            "position",
            "county_id",
            "unit_id",
        ],
        [
            (
                now,
                now,
                p.full_name,
                p.id_hash,
                p.id_masked,
                p.phone_hash,
                p.phone_masked,
                "",
                p.county_id,
                None,
            )
            for p in plan.new_persons
        ],
    )
    # The rows just written are the ones above the highest id before (ids only
    # grow); matched back to the new persons by their hashes.
    created = (
        Person.objects.filter(pk__gt=highest_person)
        .order_by()
        .values_list("pk", "id_number_hash", "phone_hash")
    )
    by_id, by_phone = {}, {}
    for pk, id_hash, phone_hash in created:
        if id_hash:
            by_id[id_hash] = pk
        if phone_hash:
            by_phone[phone_hash] = pk
    for person in plan.new_persons:
        person.pk = by_id.get(person.id_hash) or by_phone.get(person.phone_hash)
    user_id = batch.created_by_id
    rows = [
        (
            event_id,
            person.pk if isinstance(person, NewPerson) else person,
            1,
            Attendance.Kind.ROSTER.value,
            now,
            batch.pk,
            user_id,
            "",
        )
        for event_id, person, _row in plan.attendance
    ]
    _insert(
        Attendance,
        [
            "event_id",
            "person_id",
            "count",
            "kind",
            "recorded_at",
            "import_batch_id",
            "recorded_by_id",
            "reason",
        ],
        rows,
    )
    return len(rows)


def _insert(model, columns, rows, chunk=1_000):
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: several times faster than INSERT for tens of thousands of rows.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES "
                + ", ".join([row_marks] * len(part)),
                [value for row in part for value in row],
            )


def run_batch(batch_id, *, confirm):
    """What the background task does: check a file, or import a checked file."""
    from django.conf import settings
    from django.utils import translation

    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(settings.LANGUAGE_CODE):
        if confirm:
            return apply_batch(batch)
        return validate_batch(batch)


def confirm_batch(batch):
    """Mark a checked file for import. Raises EventsError ``not_ready``."""
    try:
        with transaction.atomic():
            updated = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PREVIEWED
            ).update(status=ImportBatch.Status.QUEUED)
    except IntegrityError as error:
        # The same file was confirmed in another upload meanwhile.
        raise EventsError(
            "duplicate_file",
            gettext_lazy("This file was already imported; nothing was added again."),
        ) from error
    if not updated:
        raise EventsError(
            "not_ready", gettext_lazy("This import is not ready to be confirmed.")
        )
    batch.status = ImportBatch.Status.QUEUED
    return batch
