"""Study points (学法积分), derived line by line from what a cadre did and the rules
version in force on each day (``study.services.rules``). Nothing is stored: a
change of the rules recomputes the year, and ``as_of`` reproduces the points as
they stood at a past moment. docs/study.md states the rules.

One line per activity:

- an episode heard on a day: ``minutes × points per minute`` (rounded down to
  0.1), while the day's episode points stay within the daily cap (episodes in the
  order they were first heard that day; the line that reaches the cap is cut, the
  later ones earn 0 and say so);
- a lecture, law study before a meeting or thematic lecture the cadre checked in at
  (the reach ledger's current rows for the person): the points of its type, on the
  day the event took place;
- a practice paper finished: its points, for the first ``practice_daily_limit``
  papers finished on a day (review rounds of wrong answers earn none).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Attendance
from study.models import EVENT_TYPE_POINTS, ListeningDay, PracticeSession
from study.services.rules import rule_timeline

TENTH = Decimal("0.1")
ZERO = Decimal(0)


class Activity:
    EPISODE = "episode"
    LECTURE = "lecture"
    PRACTICE = "practice"

    LABELS = {
        EPISODE: _("Episode heard"),
        LECTURE: _("Lecture attended"),
        PRACTICE: _("Practice paper"),
    }


@dataclass
class PointsLine:
    person_id: int
    day: datetime.date
    kind: str
    activity: str  # what was done, e.g. the episode or the lecture
    quantity: str  # how much, e.g. "12.5 分钟"
    rule_set: object  # PointsRuleSet or None
    rule: str  # the rule applied, in words
    points: Decimal
    note: str = ""
    ref: str = ""  # a stable reference to the activity row

    @property
    def kind_label(self):
        return Activity.LABELS[self.kind]


@dataclass
class Statement:
    """A person's points of a year: every line, the total, subtotals by kind."""

    person_id: int
    year: int
    lines: list = field(default_factory=list)

    @property
    def total(self):
        return sum((line.points for line in self.lines), ZERO)

    def subtotal(self, kind):
        return sum((line.points for line in self.lines if line.kind == kind), ZERO)

    @property
    def subtotals(self):
        return [
            (Activity.LABELS[kind], self.subtotal(kind))
            for kind in (Activity.EPISODE, Activity.LECTURE, Activity.PRACTICE)
        ]


def year_bounds(year):
    """(start, end) of a calendar year in China Standard Time, as aware datetimes."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.datetime(year, 1, 1), tz),
        timezone.make_aware(datetime.datetime(year + 1, 1, 1), tz),
    )


def number(value):
    """A Decimal without trailing zeros, for people ("12.5", "10")."""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0.0") else text


def lecture_rows(person_ids, year):
    """The current ledger rows of these persons at lectures of the year."""
    start, end = year_bounds(year)
    return (
        Attendance.objects.current()
        .filter(
            person_id__in=person_ids,
            event__event_type__key__in=list(EVENT_TYPE_POINTS),
            event__starts_at__gte=start,
            event__starts_at__lt=end,
        )
        .values(
            "pk",
            "person_id",
            "event_id",
            "event__title",
            "event__starts_at",
            "event__ends_at",
            "event__event_type__key",
            "event__event_type__name",
        )
        .order_by("event__starts_at", "pk")
    )


def practice_rows(person_ids, year):
    start, end = year_bounds(year)
    return (
        PracticeSession.objects.filter(
            person_id__in=person_ids,
            kind=PracticeSession.Kind.PRACTICE,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .values(
            "pk",
            "person_id",
            "law_label",
            "finished_at",
            "question_count",
            "correct_count",
        )
        .order_by("finished_at", "pk")
    )


def listening_rows(person_ids, year):
    return (
        ListeningDay.objects.filter(person_id__in=person_ids, day__year=year)
        .values("pk", "person_id", "episode_id", "episode_label", "day", "seconds")
        .order_by("day", "first_at", "pk")
    )


def _no_rules(person_id, day, kind, activity, quantity, ref):
    return PointsLine(
        person_id=person_id,
        day=day,
        kind=kind,
        activity=activity,
        quantity=quantity,
        rule_set=None,
        rule="",
        points=ZERO,
        note=str(_("No points rules were in force on this day.")),
        ref=ref,
    )


def _episode_lines(rows, timeline):
    lines = []
    used = defaultdict(lambda: ZERO)  # (person, day) → episode points so far
    for row in rows:
        day, person_id = row["day"], row["person_id"]
        minutes = Decimal(row["seconds"]) / 60
        quantity = _("%(minutes)s minutes") % {
            "minutes": number(minutes.quantize(TENTH, ROUND_DOWN))
        }
        ref = f"listening:{row['pk']}"
        rules = timeline.for_day(day)
        if rules is None:
            lines.append(
                _no_rules(
                    person_id,
                    day,
                    Activity.EPISODE,
                    row["episode_label"],
                    quantity,
                    ref,
                )
            )
            continue
        raw = (minutes * rules.episode_points_per_minute).quantize(TENTH, ROUND_DOWN)
        room = max(rules.episode_daily_cap - used[(person_id, day)], ZERO)
        points = min(raw, room)
        used[(person_id, day)] += points
        note = ""
        if points < raw:
            note = str(
                _("Daily cap of %(cap)s points for episodes reached.")
                % {"cap": number(rules.episode_daily_cap)}
            )
        lines.append(
            PointsLine(
                person_id=person_id,
                day=day,
                kind=Activity.EPISODE,
                activity=row["episode_label"],
                quantity=str(quantity),
                rule_set=rules,
                rule=str(
                    _("%(rate)s points a minute, at most %(cap)s a day")
                    % {
                        "rate": number(rules.episode_points_per_minute),
                        "cap": number(rules.episode_daily_cap),
                    }
                ),
                points=points,
                note=note,
                ref=ref,
            )
        )
    return lines


def _lecture_lines(rows, timeline):
    lines = []
    for row in rows:
        day = timezone.localdate(row["event__starts_at"])
        kind_name = row["event__event_type__name"]
        activity = f"{kind_name}：{row['event__title']}"
        ref = f"attendance:{row['pk']}"
        rules = timeline.for_day(day)
        quantity = str(_("attended"))
        if rules is None:
            lines.append(
                _no_rules(
                    row["person_id"], day, Activity.LECTURE, activity, quantity, ref
                )
            )
            continue
        points = rules.points_for_event_type(row["event__event_type__key"]) or ZERO
        lines.append(
            PointsLine(
                person_id=row["person_id"],
                day=day,
                kind=Activity.LECTURE,
                activity=activity,
                quantity=quantity,
                rule_set=rules,
                rule=str(
                    _("%(points)s points per %(kind)s")
                    % {"points": number(points), "kind": kind_name}
                ),
                points=points,
                ref=ref,
            )
        )
    return lines


def _practice_lines(rows, timeline):
    lines = []
    done = defaultdict(int)  # (person, day) → papers so far
    for row in rows:
        day = timezone.localdate(row["finished_at"])
        person_id = row["person_id"]
        done[(person_id, day)] += 1
        activity = str(
            _("Practice on %(law)s") % {"law": row["law_label"] or _("the bank")}
        )
        quantity = str(
            _("%(right)d of %(total)d right")
            % {"right": row["correct_count"], "total": row["question_count"]}
        )
        ref = f"practice:{row['pk']}"
        rules = timeline.for_day(day)
        if rules is None:
            lines.append(
                _no_rules(person_id, day, Activity.PRACTICE, activity, quantity, ref)
            )
            continue
        within = done[(person_id, day)] <= rules.practice_daily_limit
        lines.append(
            PointsLine(
                person_id=person_id,
                day=day,
                kind=Activity.PRACTICE,
                activity=activity,
                quantity=quantity,
                rule_set=rules,
                rule=str(
                    _("%(points)s points per paper, %(limit)d papers a day")
                    % {
                        "points": number(rules.practice_points),
                        "limit": rules.practice_daily_limit,
                    }
                ),
                points=rules.practice_points if within else ZERO,
                note=""
                if within
                else str(
                    _("Only %(limit)d practice papers a day earn points.")
                    % {"limit": rules.practice_daily_limit}
                ),
                ref=ref,
            )
        )
    return lines


def statements(person_ids, year, *, as_of=None):
    """{person id: Statement} of ``year`` for these persons (a fixed number of
    queries, whatever their number). ``as_of``: with the rules as they stood then."""
    person_ids = list(person_ids)
    timeline = rule_timeline(as_of=as_of)
    result = {pk: Statement(person_id=pk, year=year) for pk in person_ids}
    lines = [
        *_episode_lines(listening_rows(person_ids, year), timeline),
        *_lecture_lines(lecture_rows(person_ids, year), timeline),
        *_practice_lines(practice_rows(person_ids, year), timeline),
    ]
    order = {Activity.LECTURE: 0, Activity.EPISODE: 1, Activity.PRACTICE: 2}
    lines.sort(key=lambda line: (line.day, order[line.kind]))
    for line in lines:
        result[line.person_id].lines.append(line)
    return result


def statement(person, year, *, as_of=None):
    return statements([person.pk], year, as_of=as_of)[person.pk]


def year_points(person, year):
    return statement(person, year).total
