"""The annual-report paragraph, in the register of the report's 八五普法 passage:

    举办“法治宣传走基层”大宣讲活动530余场次，邀请45个单位走进“997说法时间”法治栏目
    开展以案释法207期，组织“法治讲堂·逢九必讲”法治培训30期，受教育人数17.8万余人次。

Each figure is computed by one query, kept beside it (``ReportFigure.query``) so a
reader can trace it; the rounding is the usual one of such reports (530余, 17.8万余).
"""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from events.services.tally import ReachFilter, totals

# Series are counted exactly (207期, 30期); campaigns and reach are rounded down.
APPROXIMATE = {"talks", "person_times", "consultations"}


def approximate(number):
    """Round down as reports do: 536 → "530余", 178345 → "17.8万余", 30 → "30".

    Below 100 a figure is exact. A figure that rounds to itself gets no 余.
    """
    chinese = (translation.get_language() or "").startswith("zh")
    if number < 100:
        return str(number)
    if number < 10_000:
        floor = number - number % 10
        text = str(floor)
    else:
        floor = number - number % 1_000
        if chinese:
            text = f"{floor / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
        else:
            text = f"{floor:,}"
    if floor == number:
        return text
    return _("%(number)s+") % {"number": text}


@dataclass(frozen=True)
class ReportFigure:
    key: str
    label: str
    value: int
    text: str
    query: str


def _figure(key, label, value, queryset):
    text = approximate(value) if key in APPROXIMATE else str(value)
    return ReportFigure(key, label, value, text, str(queryset.query))


def report_figures(reach_filter):
    """The figures of the annual-report paragraph, each with the SQL that made it."""

    def of_type(key):
        return reach_filter.events().filter(event_type__key=key)

    def attendance_of_type(key):
        return reach_filter.attendance().filter(event__event_type__key=key)

    def count(queryset):
        return queryset.count()

    figures = []
    for key, label, queryset in (
        ("talks", _("Grassroots talks (场次)"), of_type("grassroots_talk")),
        ("episodes", _("Case-explanation episodes (期)"), of_type("case_episode")),
        ("lectures", _("Law lectures (期)"), of_type("lecture")),
        (
            "pre_meeting",
            _("Law study before meetings (次)"),
            of_type("pre_meeting_study"),
        ),
        ("thematic", _("Thematic lectures (次)"), of_type("thematic_lecture")),
        ("checkups", _("Enterprise legal check-ups (家)"), of_type("legal_checkup")),
        ("foreign", _("Foreign-related publicity (场次)"), of_type("foreign_related")),
    ):
        figures.append(_figure(key, label, count(queryset), queryset))

    units = of_type("case_episode").filter(unit__isnull=False)
    figures.append(
        _figure(
            "units",
            _("Units on the episodes"),
            units.aggregate(n=Count("unit", distinct=True))["n"],
            units.values("unit").distinct(),
        )
    )
    consultations = attendance_of_type("consultation")
    figures.append(
        _figure(
            "consultations",
            _("Consultations (人次)"),
            consultations.aggregate(n=Coalesce(Sum("count"), 0))["n"],
            consultations.values("count"),
        )
    )
    total = totals(reach_filter)
    attendance = reach_filter.attendance()
    figures.append(
        _figure(
            "person_times",
            _("People educated (人次)"),
            total.person_times,
            attendance.values("count"),
        )
    )
    figures.append(
        _figure(
            "persons",
            _("Distinct persons known (人)"),
            total.persons,
            attendance.filter(person__isnull=False).values("person").distinct(),
        )
    )
    figures.append(
        _figure(
            "anonymous_share",
            _("Share of 人次 from anonymous headcounts (%)"),
            round(total.anonymous_share),
            attendance.filter(person__isnull=True).values("count"),
        )
    )
    return {figure.key: figure for figure in figures}


def annual_paragraph(reach_filter, figures=None):
    """The paragraph for the annual report, figures filled from the ledger."""
    figures = figures or report_figures(reach_filter)
    text = {key: figure.text for key, figure in figures.items()}
    first = (
        _(
            "Held %(talks)s grassroots “law publicity” talks, invited %(units)s "
            "units to explain %(episodes)s cases on the “997 Law Time” column, "
            "organised %(lectures)s sessions of the “Law Lecture · every ninth” "
            "training, and educated %(person_times)s person-times."
        )
        % text
    )
    second = (
        _(
            "Government standing meetings studied the law beforehand %(pre_meeting)s "
            "times and %(thematic)s thematic law lectures were held; %(checkups)s "
            "private enterprises had a legal check-up; %(foreign)s foreign-related "
            "publicity sessions were held and %(consultations)s person-times of "
            "consultations received."
        )
        % text
    )
    return first + second


def yearly_filter(year, county=None, scope=None):
    arguments = {"year": year}
    if county is not None:
        arguments["county_id"] = county.pk
    if scope is not None:
        arguments["scope"] = scope
    return ReachFilter(**arguments)
