"""Reports for the personnel department (组织部) and each unit: per cadre and per
unit, the year's points, study hours, lectures, exam results and retakes, and the
laws answered worst; as tables, an xlsx workbook and a printable per-cadre PDF.

Who counts as a cadre here: a person who signed in to study, or who was on the
roster of an exam of the year. The caller narrows them to the reader's scope
(``org.scoping``: a county organiser sees only their county's cadres).
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Person
from quizzes.models import Attempt, AttemptAnswer, PaperQuestion
from study.models import PracticeItem
from study.services.points import number, year_bounds
from study.services.record import study_records

WEAKEST_LAWS = 3
# A law needs this many answers before it can be called weak.
MIN_ANSWERS = 2


def cadres(*, year, scope, county_id=None, unit_id=None):
    """The cadres of a year within ``scope``, optionally of one county (0: the
    prefecture level) or unit, by unit and name."""
    start, end = year_bounds(year)
    people = Person.objects.filter(
        Q(study_profile__isnull=False)
        | Q(
            candidacies__sitting__opens_at__gte=start,
            candidacies__sitting__opens_at__lt=end,
        )
    ).distinct()
    people = scope.filter(people, "county")
    if county_id == 0:
        people = people.filter(county__isnull=True)
    elif county_id:
        people = people.filter(county_id=county_id)
    if unit_id:
        people = people.filter(unit_id=unit_id)
    return people.select_related("unit", "county").order_by(
        "unit__sort_order", "unit__name", "full_name", "pk"
    )


def law_answers(person_ids, year):
    """{person id: {law: [right, answered]}} over the practice answers and the
    graded exam answers of the year. A question citing two articles of one law
    counts once for it."""
    start, end = year_bounds(year)
    tally = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    seen = set()

    def add(person_id, item_key, law, correct):
        if not law or (item_key, law) in seen:
            return
        seen.add((item_key, law))
        entry = tally[person_id][law]
        entry[0] += int(bool(correct))
        entry[1] += 1

    for pk, person_id, correct, law in PracticeItem.objects.filter(
        session__person_id__in=person_ids,
        answered_at__gte=start,
        answered_at__lt=end,
    ).values_list(
        "pk", "session__person_id", "correct", "version__articles__law__short_name"
    ):
        add(person_id, ("practice", pk), law, correct)

    attempts = Attempt.objects.filter(
        candidate__person_id__in=person_ids,
        status=Attempt.Status.GRADED,
        submitted_at__gte=start,
        submitted_at__lt=end,
    )
    answers = {
        (attempt_id, position): (person_id, correct)
        for attempt_id, position, person_id, correct in AttemptAnswer.objects.filter(
            attempt__in=attempts
        ).values_list(
            "attempt_id", "position", "attempt__candidate__person_id", "correct"
        )
    }
    for attempt_id, position, law in PaperQuestion.objects.filter(
        paper__attempt__in=attempts
    ).values_list(
        "paper__attempt__id", "position", "version__articles__law__short_name"
    ):
        found = answers.get((attempt_id, position))
        if found:
            add(found[0], ("exam", attempt_id, position), law, found[1])
    return tally


def weakest(laws, limit=WEAKEST_LAWS):
    """The laws answered worst: [(law, right, answered)], lowest share right first
    (ties: more answers first), only laws with mistakes and enough answers."""
    ranked = [
        (law, right, total)
        for law, (right, total) in laws.items()
        if total >= MIN_ANSWERS and right < total
    ]
    ranked.sort(key=lambda row: (row[1] / row[2], -row[2], row[0]))
    return ranked[:limit]


def describe_weakest(rows):
    return "、".join(
        _("%(law)s (%(percent)d%% right)")
        % {"law": law, "percent": round(100 * right / total)}
        for law, right, total in rows
    )


@dataclass
class CadreRow:
    person: Person
    record: object  # StudyRecord
    weakest: list

    @property
    def points(self):
        return self.record.statement.total

    @property
    def exams_passed(self):
        return sum(1 for exam in self.record.exams if exam.passed)

    @property
    def latest_exam(self):
        sat = [exam for exam in self.record.exams if exam.counted]
        return sat[-1] if sat else None


@dataclass
class UnitRow:
    unit: object
    rows: list = field(default_factory=list)
    laws: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    @property
    def label(self):
        return str(self.unit) if self.unit else _("No unit")

    @property
    def cadres(self):
        return len(self.rows)

    @property
    def points(self):
        return sum((row.points for row in self.rows), Decimal(0))

    @property
    def average_points(self):
        if not self.rows:
            return Decimal(0)
        return (self.points / len(self.rows)).quantize(Decimal("0.1"))

    @property
    def hours(self):
        return sum((row.record.hours for row in self.rows), Decimal(0))

    @property
    def lectures(self):
        return sum(len(row.record.lectures) for row in self.rows)

    @property
    def exams_sat(self):
        return sum(len(row.record.exams) for row in self.rows)

    @property
    def exams_passed(self):
        return sum(row.exams_passed for row in self.rows)

    @property
    def retakes(self):
        return sum(row.record.retakes for row in self.rows)

    @property
    def weakest(self):
        return weakest(self.laws)


def cadre_rows(people, year):
    """[CadreRow] for these people (a fixed number of queries)."""
    people = list(people)
    records = study_records(people, year)
    answers = law_answers([p.pk for p in people], year)
    return [
        CadreRow(
            person=person,
            record=records[person.pk],
            weakest=weakest(answers.get(person.pk, {})),
        )
        for person in people
    ], answers


def unit_rows(rows, answers):
    """[UnitRow] of these cadre rows, in the order their units first appear."""
    units = {}
    for row in rows:
        unit = row.person.unit
        entry = units.setdefault(unit.pk if unit else None, UnitRow(unit=unit))
        entry.rows.append(row)
        for law, (right, total) in answers.get(row.person.pk, {}).items():
            entry.laws[law][0] += right
            entry.laws[law][1] += total
    return list(units.values())


def _exam_text(row):
    exam = row.latest_exam
    if exam is None:
        return ""
    verdict = _("passed") if exam.passed else _("not passed")
    return f"{exam.sitting.name} {number(exam.score)} {verdict}"


CADRE_COLUMNS = [
    ("name", lambda: _("Name")),
    ("unit", lambda: _("Unit")),
    ("county", lambda: _("County")),
    ("position", lambda: _("Position")),
    ("points", lambda: _("Study points")),
    ("hours", lambda: _("Study hours")),
    ("episodes", lambda: _("Episodes heard")),
    ("lectures", lambda: _("Lectures attended")),
    ("practice", lambda: _("Practice papers")),
    ("exams", lambda: _("Exams sat")),
    ("passed", lambda: _("Exams passed")),
    ("retakes", lambda: _("Retakes")),
    ("latest", lambda: _("Latest exam result")),
    ("weakest", lambda: _("Weakest laws")),
]


def cadre_values(row):
    record = row.record
    return [
        row.person.full_name,
        str(row.person.unit or ""),
        str(row.person.county or _("Prefecture level (州直)")),
        row.person.position,
        float(row.points),
        float(record.hours),
        len(record.episodes),
        len(record.lectures),
        len(record.practice_finished),
        len(record.exams),
        row.exams_passed,
        record.retakes,
        _exam_text(row),
        describe_weakest(row.weakest),
    ]


UNIT_COLUMNS = [
    lambda: _("Unit"),
    lambda: _("Cadres"),
    lambda: _("Study points"),
    lambda: _("Average points"),
    lambda: _("Study hours"),
    lambda: _("Lectures attended"),
    lambda: _("Exams sat"),
    lambda: _("Exams passed"),
    lambda: _("Retakes"),
    lambda: _("Weakest laws"),
]


def unit_values(unit):
    return [
        unit.label,
        unit.cadres,
        float(unit.points),
        float(unit.average_points),
        float(unit.hours),
        unit.lectures,
        unit.exams_sat,
        unit.exams_passed,
        unit.retakes,
        describe_weakest(unit.weakest),
    ]


def report_xlsx(*, title, rows, units):
    """An xlsx workbook: a sheet per unit line, a sheet per cadre."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    by_unit = workbook.active
    by_unit.title = _("Units")[:31]
    by_cadre = workbook.create_sheet(_("Cadres")[:31])
    for sheet, header, lines in (
        (by_unit, [label() for label in UNIT_COLUMNS], [unit_values(u) for u in units]),
        (
            by_cadre,
            [label() for _key, label in CADRE_COLUMNS],
            [cadre_values(r) for r in rows],
        ),
    ):
        sheet.append([str(title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(h) for h in header])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for line in lines:
            sheet.append(line)
        sheet.column_dimensions["A"].width = 24
        sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CJK_FONT = "STSong-Light"


def record_pdf(row):
    """The printable record of one cadre (A4, reportlab's built-in CJK font)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    # wordWrap="CJK": Chinese lines break between any two characters.
    body = ParagraphStyle(
        "body", fontName=CJK_FONT, fontSize=9.5, leading=14, wordWrap="CJK"
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4
    )
    title_style = ParagraphStyle("title", parent=body, fontSize=18, leading=26)
    person, record = row.person, row.record

    def p(text, style=body):
        from django.utils.html import escape

        return Paragraph(escape(str(text)), style)

    def table(header, lines, widths):
        data = [[p(h) for h in header]] + [[p(c) for c in line] for line in lines]
        grid = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e6e6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return grid

    story = [
        p(_("Study record %(year)d") % {"year": record.year}, title_style),
        p(
            # STSong-Light has no middle dot: a full-width comma separates.
            "，".join(
                str(part)
                for part in (
                    person.full_name,
                    person.unit or "",
                    person.position,
                    person.county or _("Prefecture level (州直)"),
                )
                if part
            )
        ),
        p(_("Identity number %(masked)s") % {"masked": person.id_number_masked}),
        Spacer(1, 4 * mm),
        table(
            [
                _("Study points"),
                _("Study hours"),
                _("Episodes heard"),
                _("Lectures attended"),
                _("Practice papers"),
                _("Exams sat"),
                _("Retakes"),
            ],
            [
                [
                    number(row.points),
                    number(record.hours),
                    len(record.episodes),
                    len(record.lectures),
                    len(record.practice_finished),
                    len(record.exams),
                    record.retakes,
                ]
            ],
            [25] * 7,
        ),
    ]
    if row.weakest:
        story += [
            p(_("Weakest laws"), heading),
            p(describe_weakest(row.weakest)),
        ]
    story.append(p(_("Episodes heard"), heading))
    if record.episodes:
        story.append(
            table(
                [_("Episode"), _("Minutes heard"), _("Share heard")],
                [
                    [heard.label, number(heard.minutes), f"{heard.percent}%"]
                    for heard in record.episodes
                ],
                [120, 30, 30],
            )
        )
    else:
        story.append(p(_("No episode heard this year.")))
    story.append(p(_("Lectures and law study before meetings"), heading))
    if record.lectures:
        story.append(
            table(
                [_("Date"), _("Type"), _("Title")],
                [
                    [
                        timezone.localtime(row["event__starts_at"]).strftime(
                            "%Y-%m-%d"
                        ),
                        row["event__event_type__name"],
                        row["event__title"],
                    ]
                    for row in record.lectures
                ],
                [25, 35, 120],
            )
        )
    else:
        story.append(p(_("No lecture attended this year.")))
    story.append(p(_("Exams"), heading))
    if record.exams:
        story.append(
            table(
                [_("Sitting"), _("Date"), _("Attempts"), _("Score"), _("Result")],
                [
                    [
                        exam.sitting.name
                        + (f"（{_('retake')}）" if exam.is_retake else ""),
                        timezone.localtime(exam.sitting.opens_at).strftime("%Y-%m-%d"),
                        len(exam.attempts),
                        number(exam.score) if exam.score is not None else "—",
                        ""
                        if exam.counted is None
                        else (_("passed") if exam.passed else _("not passed")),
                    ]
                    for exam in record.exams
                ],
                [70, 25, 20, 20, 40],
            )
        )
    else:
        story.append(p(_("No exam this year.")))
    story.append(p(_("Study points, line by line"), heading))
    lines = record.statement.lines
    if lines:
        story.append(
            table(
                [_("Date"), _("Activity"), _("Rules"), _("Points earned")],
                [
                    [
                        line.day.isoformat(),
                        f"{line.kind_label}：{line.activity}（{line.quantity}）"
                        + (f" {line.note}" if line.note else ""),
                        _("v%(version)d: %(rule)s")
                        % {"version": line.rule_set.version, "rule": line.rule}
                        if line.rule_set
                        else "—",
                        number(line.points),
                    ]
                    for line in lines
                ],
                [22, 88, 55, 15],
            )
        )
    else:
        story.append(p(_("No study points this year yet.")))
    story.append(Spacer(1, 6 * mm))
    story.append(
        p(
            _("Printed %(time)s. Points follow the rules versions named on each line.")
            % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=str(_("Study record %(year)d") % {"year": record.year}),
    )
    document.build(story)
    return buffer.getvalue()
