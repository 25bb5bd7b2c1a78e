"""The 逢九 schedule: “法治讲堂·逢九必讲” is held on every day with a nine in it.

``nine_day_schedule(year)`` proposes the 9th, 19th and 29th of every month that has
them and marks the dates that fall on an official rest day (a weekend that is not an
adjusted working day, or a public holiday), with the next working day as the
suggested replacement. China's holiday calendar comes from chinese-calendar; for a
year it does not know yet, weekends are still marked and the result says so.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NINE_DAYS = (9, 19, 29)
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Victory Day"),
}


@dataclass(frozen=True)
class ProposedDate:
    date: datetime.date
    is_weekend: bool
    holiday: object  # the holiday's (translatable) name, or None
    is_adjusted_workday: bool  # a weekend worked in exchange for a holiday (调休)
    is_rest_day: bool
    suggestion: datetime.date | None  # the next working day, for a rest day

    @property
    def needs_moving(self):
        return self.is_rest_day


@dataclass(frozen=True)
class NineDaySchedule:
    year: int
    dates: list
    holidays_known: bool

    @property
    def to_move(self):
        return [proposed for proposed in self.dates if proposed.needs_moving]


def nine_day_dates(year):
    """Every 9th, 19th and 29th of ``year`` (no 29 February outside leap years)."""
    return [
        datetime.date(year, month, day)
        for month in range(1, 13)
        for day in NINE_DAYS
        if day <= calendar.monthrange(year, month)[1]
    ]


def _holiday_calendar(year):
    """chinese_calendar if it has data for ``year``, else None."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return None
    return chinese_calendar


def nine_day_schedule(year):
    """Propose a year's 逢九 dates and flag those to move (see module docstring)."""
    holidays = _holiday_calendar(year)
    proposed = []
    for date in nine_day_dates(year):
        is_weekend = date.weekday() >= 5
        if holidays is not None:
            _on_holiday, name = holidays.get_holiday_detail(date)
            is_workday = holidays.is_workday(date)
            holiday = HOLIDAY_NAMES.get(name, name) if name and not is_workday else None
            is_rest_day = not is_workday
            is_adjusted_workday = is_weekend and is_workday
        else:
            holiday, is_adjusted_workday, is_rest_day = None, False, is_weekend
        suggestion = _next_working_day(date, holidays) if is_rest_day else None
        proposed.append(
            ProposedDate(
                date=date,
                is_weekend=is_weekend,
                holiday=holiday,
                is_adjusted_workday=is_adjusted_workday,
                is_rest_day=is_rest_day,
                suggestion=suggestion,
            )
        )
    return NineDaySchedule(
        year=year, dates=proposed, holidays_known=holidays is not None
    )


def _next_working_day(date, holidays):
    day = date
    for _step in range(30):
        day += datetime.timedelta(days=1)
        try:
            working = holidays.is_workday(day) if holidays else day.weekday() < 5
        except NotImplementedError:
            working = day.weekday() < 5
        if working:
            return day
    return None
