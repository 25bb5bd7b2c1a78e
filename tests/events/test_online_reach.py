"""Episode plays reach the ledger through the services: once each, month by month."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.services.plays import record_play
from events.models import Event
from events.online import sync_episode_plays
from events.services import ReachFilter, record_headcount, totals
from tests.cms.factories import episode
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def play(page, day, hour=20):
    moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))
    record_play(episode_id=page.pk, nonce=str(uuid.uuid4()), played_at=moment)


def test_plays_become_one_online_event_per_episode_and_month_counted_once():
    page = episode()
    may_9, may_10, june_1 = (
        datetime.date(2023, 5, 9),
        datetime.date(2023, 5, 10),
        datetime.date(2023, 6, 1),
    )
    for day, count in ((may_9, 3), (may_10, 2), (june_1, 4)):
        for _ in range(count):
            play(page, day)

    sync_episode_plays(start=may_9, end=june_1)
    sync_episode_plays(start=may_9, end=june_1)  # again: nothing more

    events = Event.objects.filter(event_type__key="online_listening").order_by(
        "starts_at"
    )
    figures = totals(ReachFilter(year=2023))
    assert [timezone.localtime(e.starts_at).month for e in events] == [5, 6]
    assert figures.person_times == 9
    assert figures.events == 2


def test_later_plays_of_a_day_correct_its_figure_not_add_to_it():
    page = episode()
    day = datetime.date(2023, 5, 9)
    play(page, day)
    sync_episode_plays(start=day, end=day)
    play(page, day, hour=21)
    play(page, day, hour=22)

    call_command("sync_online_reach", start="2023-05-09", end="2023-05-09")

    assert totals(ReachFilter(year=2023)).person_times == 3


def test_the_home_page_shows_the_ledgers_headline_figures(client):
    record_headcount(event=EventFactory(), count=120)

    html = client.get("/").content.decode()

    assert "场次" in html and "人次" in html
    assert "120" in html
