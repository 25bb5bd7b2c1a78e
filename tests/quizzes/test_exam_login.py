"""Ticket login (/exam/ and the QR address /exam/t/<code>/), logout, and a session
that ends with its ticket."""

import pytest
from django.urls import reverse

from quizzes.exam_session import SESSION_KEY
from quizzes.services.tickets import TICKET_LOGIN_LIMIT, issue_ticket, revoke_ticket
from tests.quizzes.exam_factories import CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    candidate = CandidateFactory()
    ticket, code = issue_ticket(candidate=candidate)
    return ticket, code


def test_the_login_page_asks_for_the_ticket_code(client):
    response = client.get(reverse("exam:login"))
    assert response.status_code == 200
    assert "准考证" in response.content.decode()


def test_a_ticket_code_logs_in_and_opens_the_paper(client, ticket):
    ticket, code = ticket
    response = client.post(reverse("exam:login"), {"code": code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("exam:paper")
    login = client.session[SESSION_KEY]
    assert (login["candidate"], login["ticket"]) == (ticket.candidate_id, ticket.pk)
    assert len(login["device"]) == 16
    page = client.get(reverse("exam:paper"))
    assert page.status_code == 200
    assert ticket.candidate.sitting.name in page.content.decode()


def test_the_qr_address_logs_in_too(client, ticket):
    ticket, code = ticket
    response = client.get(reverse("exam:ticket_login", args=[code]))
    assert response["Location"] == reverse("exam:paper")
    assert client.session[SESSION_KEY]["ticket"] == ticket.pk


@pytest.mark.parametrize("code", ["ABCDE-FGHJK", "short", "  "])
def test_a_wrong_code_is_refused_in_chinese(client, ticket, code):
    response = client.post(reverse("exam:login"), {"code": code})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    text = response.content.decode()
    assert "准考证" in text and 'role="alert"' in text


def test_guessing_codes_is_rate_limited_for_the_form_and_the_qr_address(client, ticket):
    _ticket, code = ticket
    for _ in range(TICKET_LOGIN_LIMIT.limit):
        client.post(reverse("exam:login"), {"code": "ABCDE-FGHJK"})
    refused = client.get(reverse("exam:ticket_login", args=[code]))
    assert refused.status_code == 400
    assert "请等待" in refused.content.decode()
    assert SESSION_KEY not in client.session


def test_a_revoked_ticket_ends_the_session(client, ticket):
    ticket, code = ticket
    client.post(reverse("exam:login"), {"code": code})
    revoke_ticket(candidate=ticket.candidate)
    page = client.get(reverse("exam:paper"))
    assert page.status_code == 400  # the login page again, saying why
    assert 'role="alert"' in page.content.decode()
    assert SESSION_KEY not in client.session
    api = client.get(reverse("exam:api_state"))
    assert api.status_code == 401 and api.json()["code"] == "not_logged_in"


def test_logout_forgets_the_candidate(client, ticket):
    _ticket, code = ticket
    client.post(reverse("exam:login"), {"code": code})
    assert client.get(reverse("exam:logout")).status_code == 405
    response = client.post(reverse("exam:logout"))
    assert response["Location"] == reverse("exam:login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("exam:paper"))["Location"] == reverse("exam:login")
