"""Admission tickets: issued and printed in one step (the code exists only then),
one or four to a page, the QR holding the absolute login address; reissuing one
revokes the old code; a failed print issues nothing."""

from unittest import mock

import pytest
from django.test import override_settings

from quizzes.models import ProctorAction, Ticket
from quizzes.services import admission
from quizzes.services.errors import QuizError
from quizzes.services.tickets import login_with_code
from tests.factories import PersonFactory, UnitFactory
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.support.pdfs import pdf_page_count, pdf_qr_codes, pdf_text

pytestmark = pytest.mark.django_db


def squash(text):
    return "".join(text.split())


@override_settings(WAGTAILADMIN_BASE_URL="https://pufa.example.cn/")
def test_issuing_prints_each_missing_ticket_with_its_code_and_qr():
    sitting = SittingFactory(name="2026年第一批任前考试")
    person = PersonFactory(
        full_name="王小明", unit=UnitFactory(name="州司法局"), position="科长"
    )
    candidate = CandidateFactory(sitting=sitting, person=person)

    count, pdf = admission.issue_missing_tickets_pdf(
        sitting=sitting, actor=None, per_page=1
    )

    assert count == 1
    text = squash(pdf_text(pdf))
    assert "王小明" in text and "州司法局" in text and "准考证" in text
    assert person.id_number_masked in text
    [url] = pdf_qr_codes(pdf)
    assert url.startswith("https://pufa.example.cn/exam/t/")
    code = url.rstrip("/").rsplit("/", 1)[1]
    assert f"{code[:5]}-{code[5:]}" in text  # the code is printed for typing too
    ticket = login_with_code(code=code, address="10.0.0.1")
    assert ticket.candidate == candidate
    assert "1234567" not in text  # no raw number anywhere


def test_four_to_a_page_and_only_candidates_without_a_ticket():
    sitting = SittingFactory()
    candidates = [CandidateFactory(sitting=sitting) for _ in range(5)]
    admission.reissue_ticket_pdf(candidate=candidates[0], actor=None)

    count, pdf = admission.issue_missing_tickets_pdf(
        sitting=sitting, actor=None, per_page=4
    )

    assert count == 4
    assert pdf_page_count(pdf) == 1
    assert len(pdf_qr_codes(pdf, dpi=200)) == 4
    assert Ticket.objects.filter(revoked_at__isnull=True).count() == 5
    with pytest.raises(QuizError) as error:
        admission.issue_missing_tickets_pdf(sitting=sitting, actor=None)
    assert error.value.code == "no_tickets_missing"


def test_reissuing_revokes_the_old_code_and_is_logged():
    candidate = CandidateFactory()
    _count, first = admission.issue_missing_tickets_pdf(
        sitting=candidate.sitting, actor=None
    )
    old_code = pdf_qr_codes(first)[0].rstrip("/").rsplit("/", 1)[1]

    second = admission.reissue_ticket_pdf(candidate=candidate, actor=None)

    new_code = pdf_qr_codes(second)[0].rstrip("/").rsplit("/", 1)[1]
    assert new_code != old_code
    with pytest.raises(QuizError):
        login_with_code(code=old_code, address="10.0.0.2")
    assert login_with_code(code=new_code, address="10.0.0.2").candidate == candidate
    assert ProctorAction.objects.filter(
        kind=ProctorAction.Kind.REISSUE_TICKET, candidate=candidate
    ).exists()


def test_a_failed_print_issues_no_ticket_and_keeps_the_old_one():
    candidate = CandidateFactory()
    admission.reissue_ticket_pdf(candidate=candidate, actor=None)
    before = Ticket.objects.get()
    with (
        mock.patch.object(admission, "tickets_pdf", side_effect=OSError("disk")),
        pytest.raises(OSError),
    ):
        admission.reissue_ticket_pdf(candidate=candidate, actor=None)
    assert list(Ticket.objects.all()) == [before]
    assert Ticket.objects.get().revoked_at is None


def test_only_one_or_four_per_page():
    with pytest.raises(QuizError):
        admission.tickets_pdf([], per_page=3)
