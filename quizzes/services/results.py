"""A sitting's results: the attempt that counts for each candidate (best or last,
as the sitting says), its band and pass/fail, the spreadsheet the office files, and
each cadre's record of sittings for the organisation department (组织部).

Only graded attempts count. A candidate without one is absent (缺考) once the
sitting is over, and has no result yet before.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from pufa.xlsx import Sheet, workbook_bytes
from quizzes.models import Attempt, Candidate, Sitting
from quizzes.services.grading import band_of


class Outcome:
    PASSED = "passed"
    FAILED = "failed"
    ABSENT = "absent"
    PENDING = "pending"

    @staticmethod
    def label(outcome):
        return {
            Outcome.PASSED: _("Passed"),
            Outcome.FAILED: _("Failed"),
            Outcome.ABSENT: _("Absent"),
            Outcome.PENDING: _("No result yet"),
        }[outcome]


def _counted(attempts, counts):
    """The graded attempt that counts among ``attempts`` (one candidate's)."""
    graded = [a for a in attempts if a.status == Attempt.Status.GRADED]
    if not graded:
        return None
    if counts == Sitting.Counts.LAST:
        return max(graded, key=lambda a: a.number)
    # Best: the highest score; of equal scores the earlier attempt.
    return max(graded, key=lambda a: (a.score, -a.number))


def counted_attempts(sitting):
    """{candidate id: the attempt that counts} for the candidates with one."""
    by_candidate = {}
    for attempt in Attempt.objects.filter(candidate__sitting=sitting).select_related(
        "paper"
    ):
        by_candidate.setdefault(attempt.candidate_id, []).append(attempt)
    counted = {}
    for candidate_id, attempts in by_candidate.items():
        attempt = _counted(attempts, sitting.attempt_counts)
        if attempt is not None:
            counted[candidate_id] = attempt
    return counted


@dataclass
class ResultRow:
    candidate: Candidate
    attempts: int
    counted: Attempt | None
    band: str
    outcome: str

    @property
    def person(self):
        return self.candidate.person

    @property
    def outcome_label(self):
        return Outcome.label(self.outcome)


def _outcome(sitting, counted):
    if counted is not None:
        return Outcome.PASSED if counted.passed else Outcome.FAILED
    return Outcome.ABSENT if sitting.is_over else Outcome.PENDING


def sitting_results(sitting):
    """One ``ResultRow`` per candidate of the roster, by name."""
    counted = counted_attempts(sitting)
    candidates = (
        sitting.candidates.select_related("person__unit")
        .annotate(attempt_count=Count("attempts"))
        .order_by("person__full_name", "pk")
    )
    rows = []
    for candidate in candidates:
        attempt = counted.get(candidate.pk)
        band = (
            band_of(sitting, attempt.score, attempt.paper.total_points)
            if attempt
            else ""
        )
        rows.append(
            ResultRow(
                candidate=candidate,
                attempts=candidate.attempt_count,
                counted=attempt,
                band=band,
                outcome=_outcome(sitting, attempt),
            )
        )
    return rows


def summary(rows):
    """Counts of a results list: candidates, sat, passed, and the pass rate (of
    those who sat, in percent, one decimal)."""
    sat = [row for row in rows if row.counted is not None]
    passed = [row for row in sat if row.outcome == Outcome.PASSED]
    return {
        "candidates": len(rows),
        "sat": len(sat),
        "passed": len(passed),
        "absent": sum(row.outcome == Outcome.ABSENT for row in rows),
        "rate": round(100 * len(passed) / len(sat), 1) if sat else None,
    }


def results_sheet(sitting, rows):
    counts_label = sitting.get_attempt_counts_display()
    return Sheet(
        title=_("Results"),
        note=_("%(sitting)s · results (the %(counts)s counts)")
        % {"sitting": sitting.name, "counts": counts_label},
        header=[
            _("Name"),
            _("Unit"),
            _("Position"),
            _("Identity number"),
            _("Attempts"),
            _("Score"),
            _("Band"),
            _("Result"),
            _("Submitted by"),
            _("Times left the page"),
        ],
        rows=[
            [
                row.person.full_name,
                str(row.person.unit or ""),
                row.person.position,
                row.person.id_number_masked,
                row.attempts,
                row.counted.score if row.counted else None,
                row.band,
                str(row.outcome_label),
                row.counted.get_submitted_by_display() if row.counted else "",
                row.counted.focus_losses if row.counted else None,
            ]
            for row in rows
        ],
        widths={"A": 12, "B": 28, "C": 14, "D": 22, "I": 16},
    )


def results_xlsx(sitting):
    """The sitting's results and its pass rates per unit, as an xlsx workbook."""
    from quizzes.services.reports import unit_pass_rates, unit_rates_sheet

    rows = sitting_results(sitting)
    return workbook_bytes(
        [results_sheet(sitting, rows), unit_rates_sheet(unit_pass_rates(rows))]
    )


# --- each cadre's record of sittings ------------------------------------------


def person_records(people):
    """{person id: [ResultRow of each sitting they were on the roster of]}, the
    latest sitting first."""
    people = list(people)
    candidacies = (
        Candidate.objects.filter(person__in=people)
        .select_related("sitting", "person__unit", "carried_from__sitting")
        .annotate(attempt_count=Count("attempts"))
        .order_by("person_id", "-sitting__opens_at")
    )
    counted = {}
    for attempt in Attempt.objects.filter(candidate__person__in=people).select_related(
        "paper", "candidate__sitting"
    ):
        counted.setdefault(attempt.candidate_id, []).append(attempt)
    records = {person.pk: [] for person in people}
    for candidate in candidacies:
        sitting = candidate.sitting
        attempt = _counted(counted.get(candidate.pk, []), sitting.attempt_counts)
        records[candidate.person_id].append(
            ResultRow(
                candidate=candidate,
                attempts=candidate.attempt_count,
                counted=attempt,
                band=band_of(sitting, attempt.score, attempt.paper.total_points)
                if attempt
                else "",
                outcome=_outcome(sitting, attempt),
            )
        )
    return records


def records_xlsx(people, *, title):
    """Each person's sittings, one row per sitting (for 组织部's files)."""
    people = list(people)
    records = person_records(people)
    rows = []
    for person in people:
        for row in records[person.pk]:
            sitting = row.candidate.sitting
            rows.append(
                [
                    person.full_name,
                    str(person.unit or ""),
                    person.position,
                    person.id_number_masked,
                    sitting.name,
                    timezone.localtime(sitting.opens_at).strftime("%Y-%m-%d"),
                    _("Retake") if sitting.retake_of_id else "",
                    row.attempts,
                    row.counted.score if row.counted else None,
                    row.band,
                    str(row.outcome_label),
                ]
            )
    return workbook_bytes(
        [
            Sheet(
                title=_("Exam records"),
                note=title,
                header=[
                    _("Name"),
                    _("Unit"),
                    _("Position"),
                    _("Identity number"),
                    _("Sitting"),
                    _("Date"),
                    _("Retake"),
                    _("Attempts"),
                    _("Score"),
                    _("Band"),
                    _("Result"),
                ],
                rows=rows,
                widths={"A": 12, "B": 28, "C": 14, "D": 22, "E": 32, "F": 12},
            )
        ]
    )
