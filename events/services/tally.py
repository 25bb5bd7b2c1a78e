"""Adding up the ledger: 场次 (events), 人次 (person-times) and 人 (distinct persons).

人次 = the person rows plus the headcounts of the rows that count (not corrected);
人 = the distinct known persons among them. Anonymous headcounts add 人次 but no 人;
their share of 人次 is reported beside 人, never turned into a guess of people.
Breakdowns are single GROUP BY queries (one over events, one over attendance), so the
dashboard costs what hand-written SQL would.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Attendance, Event, EventType, Platform
from org.models import Place, Unit
from org.scoping import WHOLE_PREFECTURE

DIMENSIONS = {
    "type": _("Type"),
    "county": _("County or city"),
    "township": _("Township"),
    "month": _("Month"),
    "platform": _("Platform"),
    "unit": _("Organising unit"),
}
PREFECTURE_LEVEL = _("Prefecture level (州直)")
NO_TOWNSHIP = _("County-wide")
NO_UNIT = _("No unit given")


def default_year():
    """This year, or the latest year with events if this one has none yet (a new
    installation, or January before anything is recorded)."""
    this_year = timezone.localdate().year
    latest = (
        Event.objects.filter(
            starts_at__lt=datetime.datetime(
                this_year + 1, 1, 1, tzinfo=timezone.get_current_timezone()
            )
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if latest is None:
        return this_year
    return timezone.localtime(latest).year


@dataclass(frozen=True)
class ReachFilter:
    """Which events count: a year (and month), a place, a type, a platform, a unit,
    always inside the asking user's county scope. ``county_id=0`` means the
    prefecture-level events (no county)."""

    year: int | None = None
    month: int | None = None
    county_id: int | None = None
    township_id: int | None = None
    event_type_id: int | None = None
    platform: str | None = None
    unit_id: int | None = None
    scope: object = field(default=WHOLE_PREFECTURE, compare=False)

    def with_(self, **changes):
        return replace(self, **changes)

    def event_lookups(self, prefix=""):
        """Filter arguments on Event, for Event (prefix "") or Attendance
        ("event__")."""
        tz = timezone.get_current_timezone()
        lookups = {}
        if self.year:
            if self.month:
                start = datetime.datetime(self.year, self.month, 1, tzinfo=tz)
                end_month = self.month % 12 + 1
                end_year = self.year + (1 if self.month == 12 else 0)
                end = datetime.datetime(end_year, end_month, 1, tzinfo=tz)
            else:
                start = datetime.datetime(self.year, 1, 1, tzinfo=tz)
                end = datetime.datetime(self.year + 1, 1, 1, tzinfo=tz)
            lookups[f"{prefix}starts_at__gte"] = start
            lookups[f"{prefix}starts_at__lt"] = end
        if self.county_id == 0:
            lookups[f"{prefix}county__isnull"] = True
        elif self.county_id:
            lookups[f"{prefix}county_id"] = self.county_id
        if self.township_id:
            lookups[f"{prefix}township_id"] = self.township_id
        if self.event_type_id:
            lookups[f"{prefix}event_type_id"] = self.event_type_id
        if self.platform:
            lookups[f"{prefix}platform"] = self.platform
        if self.unit_id:
            lookups[f"{prefix}unit_id"] = self.unit_id
        if not self.scope.is_whole_prefecture:
            lookups[f"{prefix}county_id"] = self.scope.county_id
        return lookups

    def events(self):
        return Event.objects.filter(**self.event_lookups())

    def attendance(self):
        return Attendance.objects.current().filter(**self.event_lookups("event__"))


@dataclass
class Figures:
    """One line of a breakdown (or the total)."""

    key: object = None
    label: str = ""
    events: int = 0
    person_times: int = 0
    persons: int = 0
    anonymous_person_times: int = 0

    @property
    def anonymous_share(self):
        """Percentage of 人次 that are anonymous headcounts (0–100, one decimal)."""
        if not self.person_times:
            return 0.0
        return round(100 * self.anonymous_person_times / self.person_times, 1)

    def as_dict(self):
        return {
            "key": self.key,
            "label": str(self.label),
            "events": self.events,
            "person_times": self.person_times,
            "persons": self.persons,
            "anonymous_person_times": self.anonymous_person_times,
            "anonymous_share": self.anonymous_share,
        }


def _attendance_figures():
    return {
        "person_times": Coalesce(Sum("count"), 0),
        "persons": Count("person", distinct=True),
        "anonymous": Coalesce(Sum("count", filter=Q(person__isnull=True)), 0),
    }


def totals(reach_filter):
    """Figures for everything the filter selects."""
    event_count = reach_filter.events().count()
    row = reach_filter.attendance().aggregate(**_attendance_figures())
    return Figures(
        key="total",
        label=_("Total"),
        events=event_count,
        person_times=row["person_times"],
        persons=row["persons"],
        anonymous_person_times=row["anonymous"],
    )


def breakdown_queries(reach_filter, dimension):
    """(events query, attendance query) grouped by ``dimension``."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown dimension {dimension!r}")
    if dimension == "month":
        events = reach_filter.events().annotate(group=TruncMonth("starts_at"))
        attendance = reach_filter.attendance().annotate(
            group=TruncMonth("event__starts_at")
        )
        events = events.values("group")
        attendance = attendance.values("group")
    else:
        column = {
            "type": "event_type_id",
            "county": "county_id",
            "township": "township_id",
            "platform": "platform",
            "unit": "unit_id",
        }[dimension]
        events = reach_filter.events().values(column)
        attendance = reach_filter.attendance().values(f"event__{column}")
    events = events.annotate(n=Count("pk")).order_by()
    attendance = attendance.annotate(**_attendance_figures()).order_by()
    return events, attendance


def _labels(dimension, keys):
    keys = [key for key in keys if key is not None]
    if dimension == "type":
        return dict(EventType.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension in ("county", "township"):
        return dict(Place.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "unit":
        return {
            unit.pk: str(unit) for unit in Unit.objects.filter(pk__in=keys).only("name")
        }
    if dimension == "platform":
        return dict(Platform.choices)
    return {}


def _sort_key(dimension):
    if dimension == "type":
        order = dict(EventType.objects.values_list("pk", "sort_order"))
        return lambda f: (f.key is None, order.get(f.key, 0), str(f.label))
    if dimension == "month":
        return lambda f: (f.key is None, f.key or datetime.date.min)
    if dimension == "platform":
        order = {value: index for index, value in enumerate(Platform.values)}
        return lambda f: order.get(f.key, 99)
    return lambda f: (f.key is None, -f.person_times, str(f.label))


def breakdown(reach_filter, dimension):
    """Figures per county, township, month, type, platform or unit.

    人 is counted within each line: one person at events of two lines is one 人 in
    each, so the lines' 人 do not add up to the total's (their 人次 and 场次 do).
    """
    events_query, attendance_query = breakdown_queries(reach_filter, dimension)
    lines = {}

    def line(key):
        if dimension == "month" and key is not None:
            key = timezone.localtime(key).date() if hasattr(key, "tzinfo") else key
            key = key.replace(day=1)
        if key not in lines:
            lines[key] = Figures(key=key)
        return lines[key]

    for row in events_query:
        key = next(value for name, value in row.items() if name != "n")
        line(key).events += row["n"]
    for row in attendance_query:
        key = next(
            value
            for name, value in row.items()
            if name not in ("person_times", "persons", "anonymous")
        )
        figures = line(key)
        figures.person_times += row["person_times"]
        figures.persons += row["persons"]
        figures.anonymous_person_times += row["anonymous"]

    labels = _labels(dimension, lines)
    for key, figures in lines.items():
        if dimension == "month":
            figures.label = key.strftime("%Y-%m") if key else ""
        elif key is None:
            figures.label = {
                "county": PREFECTURE_LEVEL,
                "township": NO_TOWNSHIP,
                "unit": NO_UNIT,
            }.get(dimension, "—")
        else:
            figures.label = labels.get(key, str(key))
    return sorted(lines.values(), key=_sort_key(dimension))


def filter_key(dimension, figures):
    """The ReachFilter change that drills down into one line of a breakdown."""
    key = figures.key
    if dimension == "month":
        return {"month": key.month} if key else {}
    name = {
        "type": "event_type_id",
        "county": "county_id",
        "township": "township_id",
        "platform": "platform",
        "unit": "unit_id",
    }[dimension]
    if key is None:
        return {name: 0} if dimension == "county" else {}
    return {name: key}
