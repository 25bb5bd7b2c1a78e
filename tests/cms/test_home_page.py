"""The home page: latest episodes, upcoming lectures, the exam entry without dead
links, and the slot the reach ledger fills."""

import datetime

import pytest
import time_machine

from cms import home_slots
from tests.cms import factories

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2029, 12, 1, tzinfo=datetime.UTC))
def test_latest_episodes_and_upcoming_lectures(client):
    factories.episode(title="最新的一期", air_date=datetime.date(2029, 11, 30))
    factories.lecture(title="下个月的讲座")
    factories.lecture(title="取消了的讲座", cancelled=True)

    html = client.get("/").content.decode()

    assert "最新的一期" in html
    assert "下个月的讲座" in html
    assert "取消了的讲座" not in html


def test_no_exam_link_until_an_exam_app_serves_it(client):
    html = client.get("/").content.decode()

    assert home_slots.exams_url() is None
    assert 'href="/exams/"' not in html


def test_the_reach_ledger_fills_the_headline_figures(client):
    def figures(request):
        return [("人次", "17.8万")]

    home_slots.register_reach_figures(figures)
    try:
        html = client.get("/").content.decode()
    finally:
        home_slots._reach_providers.remove(figures)

    assert "17.8万" in html and 'id="reach-title"' in html
    assert 'id="reach-title"' not in client.get("/?again").content.decode()


def test_a_failing_figures_provider_does_not_break_the_home_page(client):
    def broken(request):
        raise RuntimeError("ledger down")

    home_slots.register_reach_figures(broken)
    try:
        response = client.get("/")
    finally:
        home_slots._reach_providers.remove(broken)

    assert response.status_code == 200


def test_the_sitemap_lists_pages_and_laws(client):
    factories.episode(slug="in-the-sitemap")
    factories.civil_code()

    body = client.get("/sitemap.xml").content.decode()

    assert "/997/in-the-sitemap/" in body
    assert "/laws/civil-code/" in body
