"""A sitting's roster (考生名单): importing it from a spreadsheet, picking people on
record, and carrying failed candidates to a retake (补考).

Every way in matches people by the keyed hash of their identity or phone number
(``org.services.find_or_create_person``), so a cadre who sat before is the same
person again, and logs a ``ProctorAction`` (who added how many, and how).
"""

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from org.models import Person, Unit
from org.services import (
    OrgError,
    find_or_create_person,
    find_person,
    normalise_id_number,
    normalise_phone,
)
from quizzes.formats.common import check_size, clean_text
from quizzes.formats.table import xlsx_rows
from quizzes.models import Candidate, ProctorAction, Sitting
from quizzes.services.errors import QuizError

# (key, header): the template's columns, in order; the headers are what the office
# types, so they are not translated.
ROSTER_COLUMNS = [
    ("full_name", "姓名"),
    ("unit", "单位"),
    ("position", "职务"),
    ("id_number", "身份证号"),
    ("phone", "手机号"),
    ("post_level", "职级"),
]
HEADER_OF = dict(ROSTER_COLUMNS)
REQUIRED_HEADERS = ["姓名"]
ROSTER_SHEET = "考生名单"
EXAMPLE_ROW = ["张三", "州司法局", "科长", "652701198001010010", "13800138000", ""]
MAX_NAME = 64
MAX_POSITION = 64
MAX_POST_LEVEL = 32


@dataclass
class RosterRow:
    number: int
    full_name: str
    unit: Unit | None
    position: str
    id_number: str
    phone: str
    post_level: str


@dataclass
class RosterImport:
    """What an upload held and did: ``errors`` as {"row", "field", "message"};
    ``imported`` is False when nothing was written (errors, all-or-nothing)."""

    rows: int = 0
    errors: list = field(default_factory=list)
    valid: list = field(default_factory=list)  # RosterRow
    added: int = 0
    already: int = 0
    repeated: int = 0
    imported: bool = False

    def error(self, number, key, message):
        self.errors.append(
            {"row": number, "field": HEADER_OF.get(key, ""), "message": str(message)}
        )

    @property
    def error_rows(self):
        return len({error["row"] for error in self.errors})


def roster_template_xlsx():
    """The template: the headers and one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ROSTER_SHEET
    sheet.append([header for _key, header in ROSTER_COLUMNS])
    sheet.append(EXAMPLE_ROW)
    for letter in "ABCDEF":
        sheet.column_dimensions[letter].width = 22
    # Identity and phone numbers as text: Excel would show 18 digits as 6.527E+17.
    for letter in "DE":
        for row in range(2, 502):
            sheet[f"{letter}{row}"].number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ensure_roster_open(sitting):
    if sitting.status == Sitting.Status.CLOSED:
        raise QuizError(
            "sitting_closed",
            _("The sitting is closed: its roster can no longer change."),
        )


def _header_index(cells):
    names = [clean_text(cell).lstrip("*").replace(" ", "") for cell in cells]
    return {
        key: names.index(header) for key, header in ROSTER_COLUMNS if header in names
    }


def _rows_of(raw_rows):
    """(header index, [(number, cells)]): the first non-empty row is the header."""
    rows = iter(raw_rows)
    for number, cells in rows:
        if not any(clean_text(cell) for cell in cells):
            continue
        columns = _header_index(cells)
        missing = [
            h for h in REQUIRED_HEADERS if h not in [HEADER_OF[k] for k in columns]
        ]
        if missing or not {"id_number", "phone"} & set(columns):
            raise QuizError(
                "bad_headers",
                _(
                    "Row %(row)d should hold the template's headers (姓名, 单位, 职务, "
                    "身份证号, 手机号, 职级); 姓名 and 身份证号 or 手机号 are needed. "
                    "Download the template and keep its first row."
                )
                % {"row": number},
            )
        return columns, [(n, c) for n, c in rows if any(clean_text(cell) for cell in c)]
    raise QuizError("empty_file", _("The file has no rows."))


def check_roster(*, sitting, raw_rows):
    """Check every row; returns a ``RosterImport`` with the valid rows and every
    error (row, column, reason). Writes nothing."""
    columns, rows = _rows_of(raw_rows)
    report = RosterImport()
    units = {}
    for unit in Unit.objects.all():
        for name in (unit.name, unit.short_name):
            if name:
                units.setdefault(name, unit)
    levels = sorted({level.post_level for level in sitting.level_blueprints.all()})
    seen = {}
    for number, cells in rows:
        report.rows += 1

        def get(key, cells=cells):
            index = columns.get(key)
            return (
                clean_text(cells[index])
                if index is not None and index < len(cells)
                else ""
            )

        before = len(report.errors)
        full_name = get("full_name")
        if not full_name:
            report.error(number, "full_name", _("The name is empty."))
        elif len(full_name) > MAX_NAME:
            report.error(
                number,
                "full_name",
                _("The name is longer than %(max)d characters.") % {"max": MAX_NAME},
            )
        unit = None
        unit_name = get("unit")
        if unit_name:
            unit = units.get(unit_name)
            if unit is None:
                report.error(
                    number,
                    "unit",
                    _("Unknown unit “%(value)s”; enter it under Units first.")
                    % {"value": unit_name},
                )
        position = get("position")
        if len(position) > MAX_POSITION:
            report.error(
                number,
                "position",
                _("The position is longer than %(max)d characters.")
                % {"max": MAX_POSITION},
            )
        id_number, phone = get("id_number"), get("phone")
        if id_number:
            try:
                id_number = normalise_id_number(id_number)
            except OrgError as error:
                report.error(number, "id_number", error.message)
        if phone:
            try:
                phone = normalise_phone(phone)
            except OrgError as error:
                report.error(number, "phone", error.message)
        if not id_number and not phone:
            report.error(
                number,
                "id_number",
                _("Give an identity number or a phone number to recognise the person."),
            )
        post_level = get("post_level")
        if post_level and post_level not in levels:
            report.error(
                number,
                "post_level",
                _(
                    "“%(value)s” is not a post level of this sitting (%(levels)s); "
                    "leave it empty for the sitting's own blueprint."
                )
                % {
                    "value": post_level,
                    "levels": "、".join(levels) or _("it has none"),
                },
            )
        if len(report.errors) != before:
            continue
        try:
            find_person(id_number=id_number or None, phone=phone or None)
        except OrgError as error:
            report.error(number, "id_number", error.message)
            continue
        keys = [k for k in (("id", id_number), ("phone", phone)) if k[1]]
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None:
            report.repeated += 1
            continue
        for key in keys:
            seen[key] = number
        report.valid.append(
            RosterRow(number, full_name, unit, position, id_number, phone, post_level)
        )
    return report


def _log_added(sitting, actor, count, source, **detail):
    if count:
        ProctorAction.objects.create(
            sitting=sitting,
            actor=actor,
            kind=ProctorAction.Kind.ADD_CANDIDATES,
            detail={"count": count, "source": source, **detail},
        )


def import_roster(*, sitting, file_name, data, actor, valid_rows_only=False):
    """Add the candidates of an xlsx roster (the template's columns).

    Every row is checked first. With errors, nothing is added unless
    ``valid_rows_only``: then the valid rows are. People are matched or created by
    ``find_or_create_person``; a person already on the roster is left as is (and
    counted in ``already``), a person twice in the file is added once. Returns a
    ``RosterImport``. Raises QuizError for a file that cannot be read at all
    (``not_xlsx``, ``bad_headers``, ``empty_file``, ``file_too_large``, …) and
    ``sitting_closed``. Logs ADD_CANDIDATES.
    """
    _ensure_roster_open(sitting)
    check_size(data)
    report = check_roster(sitting=sitting, raw_rows=xlsx_rows(data, ROSTER_SHEET))
    if report.errors and not valid_rows_only:
        return report
    with transaction.atomic():
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        _ensure_roster_open(sitting)
        on_roster = set(sitting.candidates.values_list("person_id", flat=True))
        new = []
        for row in report.valid:
            try:
                person, _created = find_or_create_person(
                    full_name=row.full_name,
                    id_number=row.id_number or None,
                    phone=row.phone or None,
                    unit=row.unit,
                    position=row.position,
                    county=sitting.county,
                )
            except OrgError as error:  # a number registered meanwhile by another
                report.error(row.number, "id_number", error.message)
                continue
            _fill_missing(person, unit=row.unit, position=row.position)
            if person.pk in on_roster:
                report.already += 1
                continue
            on_roster.add(person.pk)
            new.append(
                Candidate(sitting=sitting, person=person, post_level=row.post_level)
            )
        if report.errors and not valid_rows_only:
            transaction.set_rollback(True)
            return report
        Candidate.objects.bulk_create(new)
        report.added = len(new)
        report.imported = True
        _log_added(sitting, actor, report.added, "import", file=file_name[:120])
    return report


def _fill_missing(person, *, unit, position):
    """A matched person keeps what is on record; only empty fields are filled."""
    changes = {}
    if unit is not None and person.unit_id is None:
        changes["unit"] = unit
    if position and not person.position:
        changes["position"] = position
    if changes:
        Person.objects.filter(pk=person.pk).update(**changes)


def add_candidates(*, sitting, people, actor, post_level=""):
    """Put these people (``org.Person``) on the roster; those already on it are
    left as they are. Returns the new candidates. Raises QuizError
    ``sitting_closed``, ``bad_post_level``. Logs ADD_CANDIDATES."""
    with transaction.atomic():
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        _ensure_roster_open(sitting)
        if (
            post_level
            and not sitting.level_blueprints.filter(post_level=post_level).exists()
        ):
            raise QuizError("bad_post_level", _("This sitting has no such post level."))
        on_roster = set(sitting.candidates.values_list("person_id", flat=True))
        new = Candidate.objects.bulk_create(
            [
                Candidate(sitting=sitting, person=person, post_level=post_level)
                for person in {p.pk: p for p in people}.values()
                if person.pk not in on_roster
            ]
        )
        _log_added(sitting, actor, len(new), "people")
        return new


def failed_candidates(sitting):
    """Candidates of a closed sitting whose counted result is a fail, or who sat
    no graded attempt (absent candidates must retake too)."""
    from quizzes.services.results import counted_attempts

    counted = counted_attempts(sitting)
    return [
        candidate
        for candidate in sitting.candidates.select_related("person").order_by("pk")
        if not (counted.get(candidate.pk) and counted[candidate.pk].passed)
    ]


def carry_failed(*, sitting, retake, actor):
    """补考: put the failed (and absent) candidates of ``sitting`` on the roster of
    ``retake``, each with ``carried_from``; those already on it are skipped.

    Raises QuizError ``not_closed`` (results are not final yet), ``not_a_retake``
    (``retake`` is not marked as a retake of ``sitting``), ``sitting_closed`` (the
    retake is over). Returns the new candidates; logs CARRY_FAILED on the retake.
    """
    if sitting.status != Sitting.Status.CLOSED:
        raise QuizError(
            "not_closed",
            _("Close the sitting first: its results are not final yet."),
        )
    if retake.retake_of_id != sitting.pk:
        raise QuizError(
            "not_a_retake",
            _("%(retake)s is not marked as a retake of %(sitting)s.")
            % {"retake": retake, "sitting": sitting},
        )
    with transaction.atomic():
        retake = Sitting.objects.select_for_update().get(pk=retake.pk)
        _ensure_roster_open(retake)
        on_roster = set(retake.candidates.values_list("person_id", flat=True))
        levels = set(retake.level_blueprints.values_list("post_level", flat=True))
        new = Candidate.objects.bulk_create(
            [
                Candidate(
                    sitting=retake,
                    person=candidate.person,
                    # The retake's own blueprint where it has none for the level.
                    post_level=candidate.post_level
                    if candidate.post_level in levels
                    else "",
                    carried_from=candidate,
                )
                for candidate in failed_candidates(sitting)
                if candidate.person_id not in on_roster
            ]
        )
        if new:
            ProctorAction.objects.create(
                sitting=retake,
                actor=actor,
                kind=ProctorAction.Kind.CARRY_FAILED,
                detail={"count": len(new), "from_sitting": sitting.pk},
            )
        return new


def roster(sitting):
    """The roster as the admin lists it: people with unit, each once, in order."""
    return sitting.candidates.select_related("person__unit").order_by(
        "person__full_name", "pk"
    )


__all__ = [
    "add_candidates",
    "carry_failed",
    "check_roster",
    "failed_candidates",
    "import_roster",
    "roster_template_xlsx",
]
