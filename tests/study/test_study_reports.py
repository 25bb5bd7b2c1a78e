"""Reports for the personnel department and units: per cadre and per unit, xlsx and
a per-cadre PDF; a county organiser sees only their county; the points rules in
the admin (a change is a new version)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from org import roles
from quizzes.services.papers import displayed_keys
from study.models import PointsRuleSet, StudyProfile
from study.services.practice import answer_item, start_practice
from study.services.reports import cadre_rows, law_answers, weakest
from tests.events.factories import (
    EventFactory,
    PersonAttendanceFactory,
    event_type,
    local,
)
from tests.factories import CountyFactory, PersonFactory, UnitFactory, staff_user

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def two_counties(cadre, rules):
    """The cadre of 博乐市 (a lecture: 5 points) and one of 精河县."""
    other_county = CountyFactory(name="精河县")
    other = PersonFactory(
        full_name="李明",
        county=other_county,
        unit=UnitFactory(name="精河县司法局", place=other_county),
    )
    for person in (cadre, other):
        StudyProfile.objects.create(person=person)
    lecture = EventFactory(
        event_type=event_type("lecture"), starts_at=local(YEAR, 3, 9, 16)
    )
    PersonAttendanceFactory(event=lecture, person=cadre)
    return cadre, other


def practise(person, law, wrong):
    paper = start_practice(person=person, law=law)
    for item in paper.items.select_related("version").order_by("position"):
        key = displayed_keys(item)
        choice = [(key[0] + 1) % 2] if item.position <= wrong else key
        answer_item(
            person=person, session_id=paper.pk, position=item.position, choice=choice
        )


def test_weakest_laws_come_from_practice_answers(cadre, law_questions):
    law, _questions = law_questions
    practise(cadre, law, wrong=3)  # 1 of 4 right
    answers = law_answers([cadre.pk], datetime.date.today().year)
    assert answers[cadre.pk]["宪法"] == [1, 4]
    assert weakest(answers[cadre.pk]) == [("宪法", 1, 4)]
    rows, _answers = cadre_rows([cadre], datetime.date.today().year)
    assert rows[0].weakest == [("宪法", 1, 4)]


def test_the_prefecture_sees_every_county_and_a_county_only_its_own(
    client, two_counties
):
    cadre, other = two_counties
    client.force_login(staff_user(roles.ORGANISER))
    page = client.get(reverse("study_admin:report"), {"year": YEAR}).content.decode()
    assert "王建国" in page and "李明" in page
    assert "博乐市司法局" in page and "精河县司法局" in page

    client.force_login(staff_user(roles.ORGANISER, county=cadre.county))
    page = client.get(reverse("study_admin:report"), {"year": YEAR}).content.decode()
    assert "王建国" in page and "李明" not in page
    # Asking for the other county by its number changes nothing.
    page = client.get(
        reverse("study_admin:report"), {"year": YEAR, "county": other.county_id}
    ).content.decode()
    assert "李明" not in page
    assert client.get(reverse("study_admin:cadre", args=[other.pk])).status_code == 404
    pdf = client.get(reverse("study_admin:cadre_pdf", args=[other.pk]))
    assert pdf.status_code == 404


def test_the_xlsx_has_a_line_per_unit_and_per_cadre(client, two_counties):
    client.force_login(staff_user(roles.ORGANISER))
    response = client.get(reverse("study_admin:export"), {"year": YEAR})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    units, cadres = workbook.worksheets
    unit_lines = {row[0]: row for row in units.iter_rows(min_row=3, values_only=True)}
    assert unit_lines["博乐市司法局"][1:3] == (1, 5)  # one cadre, 5 points
    cadre_lines = {row[0]: row for row in cadres.iter_rows(min_row=3, values_only=True)}
    assert cadre_lines["王建国"][4] == 5
    assert cadre_lines["王建国"][7] == 1  # lectures
    assert cadre_lines["李明"][4] == 0


def test_the_printable_record(client, two_counties):
    cadre, _other = two_counties
    client.force_login(staff_user(roles.ORGANISER))
    page = client.get(reverse("study_admin:cadre", args=[cadre.pk]), {"year": YEAR})
    assert "王建国" in page.content.decode()
    assert "v1：每次法治讲堂 5 分" in page.content.decode()
    response = client.get(
        reverse("study_admin:cadre_pdf", args=[cadre.pk]), {"year": YEAR}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


def test_people_without_the_role_see_nothing(client, two_counties):
    cadre, _other = two_counties
    client.force_login(staff_user(roles.EDITOR))
    for url in (
        reverse("study_admin:report"),
        reverse("study_admin:export"),
        reverse("study_admin:cadre", args=[cadre.pk]),
        reverse("study_admin:rules"),
    ):
        response = client.get(url)
        # Wagtail sends a refused admin page back to the dashboard with a message.
        assert response.status_code in (302, 403)
        assert "王建国" not in response.content.decode()


def rule_form(**changes):
    data = {
        "valid_from": f"{YEAR}-01-01",
        "episode_points_per_minute": "1",
        "episode_daily_cap": "12",
        "lecture_points": "8",
        "meeting_study_points": "4",
        "thematic_lecture_points": "3",
        "practice_points": "2",
        "practice_daily_limit": "2",
        "note": "提高讲座积分",
    }
    data.update(changes)
    return data


def test_an_administrator_adds_a_rules_version_that_recomputes_the_year(
    client, two_counties
):
    cadre, _other = two_counties
    client.force_login(staff_user(roles.ADMINISTRATOR))
    assert (
        client.post(reverse("study_admin:rules"), rule_form(note="")).status_code == 200
    )  # refused: say why
    assert PointsRuleSet.objects.count() == 1

    response = client.post(reverse("study_admin:rules"), rule_form())
    assert response.status_code == 302
    latest = PointsRuleSet.objects.get(version=2)
    assert latest.lecture_points == Decimal(8)
    assert latest.created_by.username.startswith("administrator")
    rows, _answers = cadre_rows([cadre], YEAR)
    assert rows[0].points == Decimal(8)


def test_an_organiser_reads_the_rules_but_cannot_add_a_version(client, two_counties):
    client.force_login(staff_user(roles.ORGANISER))
    page = client.get(reverse("study_admin:rules"))
    assert page.status_code == 200
    assert "保存为新版本" not in page.content.decode()
    assert client.post(reverse("study_admin:rules"), rule_form()).status_code in (
        302,
        403,
    )
    assert PointsRuleSet.objects.count() == 1
