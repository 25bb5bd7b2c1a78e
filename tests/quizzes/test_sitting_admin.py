"""Sittings in the admin: the settings form's checks, the list, the sitting page
with its masked roster, roster upload and people picking, tickets as PDF, results
as xlsx — and who may see or do each (roles, county scope, named proctors)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from org import roles
from quizzes.models import Candidate, ProctorAction, Sitting, Ticket
from quizzes.services import exams
from tests.factories import CountyFactory, PersonFactory, staff_user, valid_id_number
from tests.quizzes.exam_factories import (
    CandidateFactory,
    SittingFactory,
    small_blueprint,
)
from tests.quizzes.test_exam_lifecycle import answer_all

pytestmark = pytest.mark.django_db
URLS = "wagtailsnippets_quizzes_sitting"


def url(name, *args):
    return reverse(f"{URLS}:{name}", args=args)


def refused(response):
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


@pytest.fixture
def proctor(client):
    user = staff_user(roles.PROCTOR)
    client.force_login(user)
    return user


def local(minutes):
    return timezone.localtime(timezone.now() + dt.timedelta(minutes=minutes))


def sitting_form(blueprint, **changes):
    data = {
        "name": "2026年第二批任前考试",
        "blueprint": str(blueprint.pk),
        "level_blueprints-TOTAL_FORMS": "0",
        "level_blueprints-INITIAL_FORMS": "0",
        "level_blueprints-MIN_NUM_FORMS": "0",
        "level_blueprints-MAX_NUM_FORMS": "1000",
        "opens_at": local(60).strftime("%Y-%m-%d %H:%M"),
        "closes_at": local(180).strftime("%Y-%m-%d %H:%M"),
        "duration_minutes": "60",
        "pass_mark": "",
        "attempts_allowed": "1",
        "attempt_counts": "best",
        "score_bands": "[]",
        "review_score": "after_attempt",
        "review_correctness": "after_close",
        "review_right_answer": "after_close",
        "review_explanation": "after_close",
        "focus_loss_limit": "3",
        "min_study_points": "0",
        "retake_of": "",
        "county": "",
    }
    data.update(changes)
    return data


def test_a_proctor_creates_a_sitting_and_sees_it_listed(client, proctor):
    blueprint = small_blueprint()
    response = client.post(url("add"), sitting_form(blueprint, proctors=[proctor.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    sitting = Sitting.objects.get()
    assert list(sitting.proctors.all()) == [proctor]
    CandidateFactory(sitting=sitting)
    listing = client.get(url("list")).content.decode()
    assert "2026年第二批任前考试" in listing
    assert url("sitting", sitting.pk) in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"closes_at": local(30).strftime("%Y-%m-%d %H:%M")},
            "The window must close after it opens.",
        ),
        (
            {"review_right_answer": "after_attempt"},
            "Right answers and explanations can be shown only after the sitting "
            "closes: other candidates may still be answering.",
        ),
        (
            {"pass_mark": "999"},
            "The pass mark is above the %(total)s points of blueprint %(name)s.",
        ),
    ],
)
def test_the_form_refuses_bad_settings_with_a_reason(client, proctor, changes, message):
    blueprint = small_blueprint()
    response = client.post(url("add"), sitting_form(blueprint, **changes))
    assert response.status_code == 200
    assert Sitting.objects.count() == 0
    with translation.override("zh-hans"):
        expected = gettext(message) % {
            "total": blueprint.total_points,
            "name": blueprint,
        }
    assert escape(expected) in response.content.decode()


def test_a_blueprint_the_bank_cannot_fill_is_refused(client, proctor):
    blueprint = small_blueprint()
    rule = blueprint.rules.first()
    rule.count = 99
    rule.save()
    response = client.post(url("add"), sitting_form(blueprint))
    assert response.status_code == 200
    assert Sitting.objects.count() == 0
    assert "题库" in response.content.decode()


def test_the_sitting_page_lists_the_roster_masked_and_paginated(client, proctor):
    sitting = SittingFactory()
    for _ in range(51):
        CandidateFactory(sitting=sitting)
    first = sitting.candidates.order_by("person__full_name", "pk").first().person
    page = client.get(url("sitting", sitting.pk)).content.decode()
    assert first.id_number_masked in page and first.phone_masked in page
    assert "第 1 页，共 2 页" in page
    assert client.get(url("sitting", sitting.pk) + "?page=2").status_code == 200
    assert f"/admin/exams/board/{sitting.pk}/" in page


def test_roster_upload_shows_each_bad_row_and_imports_nothing(client, proctor):
    sitting = SittingFactory()
    workbook = Workbook()
    workbook.active.append(["姓名", "单位", "职务", "身份证号", "手机号"])
    workbook.active.append(["张三", "", "", valid_id_number(3), ""])
    workbook.active.append(["李四", "", "", "123", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    response = client.post(url("roster_import", sitting.pk), {"file": buffer})
    page = response.content.decode()
    assert response.status_code == 200
    assert "身份证号" in page and "<td>3</td>" in page
    assert Candidate.objects.count() == 0

    buffer.seek(0)
    response = client.post(
        url("roster_import", sitting.pk), {"file": buffer, "valid_rows_only": "on"}
    )
    assert Candidate.objects.get().person.full_name == "张三"


def test_the_roster_template_downloads(client, proctor):
    response = client.get(url("roster_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["姓名", "单位", "职务"]


def test_picking_people_searches_and_adds_the_ticked(client, proctor):
    sitting = SittingFactory()
    wanted = PersonFactory(full_name="欧阳明")
    PersonFactory(full_name="别人")
    page = client.get(url("pick_people", sitting.pk), {"q": "欧阳"}).content.decode()
    assert "欧阳明" in page and "别人" not in page
    response = client.post(url("pick_people", sitting.pk), {"people": [wanted.pk]})
    assert response.status_code == 302
    assert sitting.candidates.get().person == wanted
    again = client.get(url("pick_people", sitting.pk), {"q": "欧阳"}).content.decode()
    assert "欧阳明" not in again  # already on the roster


def test_issuing_tickets_returns_a_pdf_and_a_second_click_explains(client, proctor):
    sitting = SittingFactory()
    CandidateFactory(sitting=sitting)
    response = client.post(url("issue_tickets", sitting.pk), {"per_page": "4"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Ticket.objects.count() == 1
    again = client.post(
        url("issue_tickets", sitting.pk), {"per_page": "1"}, follow=True
    )
    assert "在考生名单中补发" in again.content.decode()
    assert Ticket.objects.count() == 1


def test_results_download_has_the_counted_score(client, proctor):
    sitting = SittingFactory()
    candidate = CandidateFactory(sitting=sitting)
    attempt = exams.start_attempt(candidate=candidate)
    answer_all(attempt)
    exams.submit_attempt(attempt_id=attempt.pk, by="candidate")
    response = client.get(url("results_xlsx", sitting.pk))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c.value for c in sheet[3]]
    assert values[0] == candidate.person.full_name
    assert values[3] == candidate.person.id_number_masked
    assert values[5] == 100
    assert client.get(url("results", sitting.pk)).status_code == 200
    assert client.get(url("report", sitting.pk)).status_code == 200


def test_a_county_organiser_sees_only_their_county_and_changes_nothing(client):
    home, other = CountyFactory(name="精河县"), CountyFactory(name="温泉县")
    mine = SittingFactory(county=home, name="精河县考场")
    theirs = SittingFactory(county=other, name="温泉县考场")
    client.force_login(staff_user(roles.ORGANISER, county=home))

    listing = client.get(url("list")).content.decode()
    assert "精河县考场" in listing and "温泉县考场" not in listing
    assert client.get(url("sitting", mine.pk)).status_code == 200
    assert client.get(url("sitting", theirs.pk)).status_code == 404
    assert refused(client.post(url("issue_tickets", mine.pk), {"per_page": "1"}))
    assert refused(client.get(url("roster_import", mine.pk)))
    assert Ticket.objects.count() == 0


def test_a_named_proctor_without_the_role_sees_the_page_only(client):
    sitting = SittingFactory()
    user = staff_user(roles.EDITOR)
    client.force_login(user)
    assert refused(client.get(url("sitting", sitting.pk)))
    sitting.proctors.add(user)
    assert client.get(url("sitting", sitting.pk)).status_code == 200
    assert refused(client.post(url("pick_people", sitting.pk), {"people": []}))


def test_reissue_from_the_roster_logs_it(client, proctor):
    candidate = CandidateFactory()
    sitting = candidate.sitting
    client.post(url("issue_tickets", sitting.pk), {"per_page": "1"})
    response = client.post(url("reissue_ticket", sitting.pk, candidate.pk))
    assert response["Content-Type"] == "application/pdf"
    assert Ticket.objects.filter(revoked_at__isnull=True).count() == 1
    assert ProctorAction.objects.filter(
        kind=ProctorAction.Kind.REISSUE_TICKET, actor=proctor
    ).exists()
    other = CandidateFactory()
    assert client.post(url("reissue_ticket", sitting.pk, other.pk)).status_code == 404
