"""Certificates: only for graded papers, the same one on a second request; the PDF
names the person and the result and its QR opens the verification page, which
shows the masked name, sitting, date and result and nothing else (404 for an
unknown token); candidates download theirs when the sitting lets them see scores."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from quizzes.models import Certificate, ReviewWhen
from quizzes.services import exams
from quizzes.services.certificates import (
    certificate_pdf,
    issue_certificate,
    mask_name,
    verify_url,
)
from quizzes.services.errors import QuizError
from quizzes.services.tickets import issue_ticket
from tests.factories import PersonFactory, UnitFactory
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.grading_support import sit
from tests.support.pdfs import pdf_qr_codes, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded():
    person = PersonFactory(full_name="欧阳小明", unit=UnitFactory(name="州司法局"))
    candidate = CandidateFactory(
        person=person, sitting=SittingFactory(name="2026年第一批任前考试")
    )
    return sit(candidate, [])  # everything wrong: 0 points, failed


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("李", "李")],
)
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked


def test_only_graded_papers_get_a_certificate_and_only_one():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    with pytest.raises(QuizError) as error:
        issue_certificate(attempt)
    assert error.value.code == "not_graded"
    attempt = exams.submit_attempt(attempt_id=attempt.pk, by="candidate")
    first = issue_certificate(attempt)
    assert issue_certificate(attempt) == first
    assert len(first.token) == 43 and Certificate.objects.count() == 1


@override_settings(WAGTAILADMIN_BASE_URL="https://pufa.example.cn")
def test_the_pdf_names_the_person_and_result_and_its_qr_verifies(client, graded):
    certificate = issue_certificate(graded)
    pdf = certificate_pdf(certificate)

    text = "".join(pdf_text(pdf).split())
    assert "欧阳小明" in text and "不合格" in text and "2026年第一批任前考试" in text
    assert pdf_qr_codes(pdf) == [verify_url(certificate.token)]
    assert verify_url(certificate.token) == (
        f"https://pufa.example.cn/verify/{certificate.token}/"
    )

    page = client.get(f"/verify/{certificate.token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "欧**明" in body and "欧阳小明" not in body
    assert "2026年第一批任前考试" in body and "不合格" in body
    assert graded.candidate.person.id_number_masked not in body
    assert "州司法局" not in body  # nothing beyond name, sitting, date, result


def test_an_unknown_token_is_404(client):
    assert client.get("/verify/not-a-real-token/").status_code == 404


def test_a_regrade_shows_on_the_verification_page(client, graded):
    certificate = issue_certificate(graded)
    graded.passed = True
    graded.save(update_fields=["passed"])
    assert "不合格" not in client.get(f"/verify/{certificate.token}/").content.decode()


def login(client, candidate):
    _ticket, code = issue_ticket(candidate=candidate)
    client.get(reverse("exam:ticket_login", args=[code.replace("-", "")]))


def test_a_candidate_downloads_theirs_when_the_score_may_be_seen(client):
    sitting = SittingFactory(review_score=ReviewWhen.AFTER_CLOSE)
    candidate = CandidateFactory(sitting=sitting)
    sit(candidate, [])
    login(client, candidate)
    url = reverse("exam:certificate")

    assert client.get(url).status_code == 404  # not before the sitting is over
    with time_machine.travel(sitting.closes_at + dt.timedelta(minutes=1)):
        response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert Certificate.objects.get().attempt.candidate == candidate


def test_without_a_login_the_download_sends_to_the_login_page(client):
    response = client.get(reverse("exam:certificate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("exam:login")


def test_the_admin_downloads_a_certificate_from_the_results(client, graded):
    from org import roles
    from tests.factories import staff_user

    client.force_login(staff_user(roles.PROCTOR))
    sitting = graded.candidate.sitting
    url = reverse(
        "wagtailsnippets_quizzes_sitting:certificate",
        args=[sitting.pk, graded.candidate.pk],
    )
    assert client.get(url)["Content-Type"] == "application/pdf"
    absent = CandidateFactory(sitting=sitting)
    other = reverse(
        "wagtailsnippets_quizzes_sitting:certificate", args=[sitting.pk, absent.pk]
    )
    assert client.get(other).status_code == 404
