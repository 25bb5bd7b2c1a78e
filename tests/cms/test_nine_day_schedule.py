"""Acceptance 4: the 逢九 schedule proposes every 9th, 19th and 29th and flags the
dates that fall on an official rest day."""

import datetime

import pytest

from cms.services.schedule import nine_day_dates, nine_day_schedule
from tests.factories import staff_user


def test_2023_has_35_dates_with_a_nine():
    schedule = nine_day_schedule(2023)

    assert len(schedule.dates) == 35
    assert datetime.date(2023, 2, 29 - 1) not in [p.date for p in schedule.dates]
    assert all(p.date.day in (9, 19, 29) for p in schedule.dates)
    assert schedule.holidays_known


def test_2023_weekends_and_holidays_are_flagged():
    schedule = nine_day_schedule(2023)
    flagged = {p.date: p for p in schedule.to_move}

    weekends = {p.date for p in schedule.dates if p.is_weekend and p.is_rest_day}
    assert len(weekends) == 11
    # 29 September 2023, a Friday, was the Mid-autumn Festival.
    mid_autumn = flagged[datetime.date(2023, 9, 29)]
    assert not mid_autumn.is_weekend and mid_autumn.holiday is not None
    assert mid_autumn.suggestion == datetime.date(2023, 10, 7)  # a working Saturday
    # 29 April 2023, a Saturday inside the Labour Day holiday.
    assert flagged[datetime.date(2023, 4, 29)].holiday is not None
    assert len(flagged) == 12


def test_an_adjusted_working_sunday_is_not_flagged():
    schedule = nine_day_schedule(2023)
    january_29 = next(p for p in schedule.dates if p.date == datetime.date(2023, 1, 29))

    assert january_29.is_weekend
    assert january_29.is_adjusted_workday
    assert not january_29.needs_moving


def test_leap_years_have_36_dates():
    assert len(nine_day_dates(2024)) == 36


def test_a_year_without_holiday_data_still_flags_weekends():
    schedule = nine_day_schedule(2090)

    assert not schedule.holidays_known
    assert schedule.to_move
    assert all(p.is_weekend for p in schedule.to_move)


@pytest.mark.django_db
def test_the_schedule_tool_in_the_admin(client):
    client.force_login(staff_user("organiser"))

    response = client.get("/admin/cms/nine-day-schedule/", {"year": 2023})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("schedule-row--move") == 12
    assert "2023-10-07" in html


@pytest.mark.django_db
def test_a_proctor_may_not_use_the_schedule_tool(client):
    client.force_login(staff_user("proctor"))

    response = client.get("/admin/cms/nine-day-schedule/")

    # Wagtail answers a refused admin view with a redirect to the dashboard.
    assert response.status_code == 302
    assert response.url == "/admin/"
