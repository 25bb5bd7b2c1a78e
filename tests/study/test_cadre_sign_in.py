"""Cadres sign in with their identity number and mobile number, checked against the
keyed hashes on record; attempts are rate-limited."""

import pytest
import time_machine

from study.services.errors import StudyError
from study.services.identity import authenticate_cadre
from tests.factories import PersonFactory
from tests.study.conftest import CADRE_ID_NUMBER, CADRE_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still_clock():
    """The limits count in fixed windows: a window rolling over mid-test would
    let more tries through."""
    with time_machine.travel("2026-06-01 10:00:05 +0800", tick=False):
        yield


def test_both_numbers_of_the_same_person_sign_in(cadre):
    assert authenticate_cadre(id_number=CADRE_ID_NUMBER, phone=CADRE_PHONE) == cadre
    # Typed with spaces and a lower-case x, the numbers are the same.
    spaced = " ".join([CADRE_ID_NUMBER[:6], CADRE_ID_NUMBER[6:]]).lower()
    assert authenticate_cadre(id_number=spaced, phone="139 1234 5678") == cadre


def test_numbers_of_two_people_or_unknown_numbers_are_refused_alike(cadre):
    someone = PersonFactory(phone="13800001111")
    for id_number, phone in [
        (CADRE_ID_NUMBER, "13800001111"),  # someone else's phone
        (CADRE_ID_NUMBER, "13700000000"),  # nobody's phone
    ]:
        with pytest.raises(StudyError) as error:
            authenticate_cadre(id_number=id_number, phone=phone)
        assert error.value.code == "not_recognised"
    assert someone.pk != cadre.pk


def test_malformed_numbers_say_what_is_wrong(cadre):
    with pytest.raises(StudyError) as error:
        authenticate_cadre(id_number="12345", phone=CADRE_PHONE)
    assert error.value.code == "invalid_id_number"
    with pytest.raises(StudyError) as error:
        authenticate_cadre(id_number=CADRE_ID_NUMBER, phone="12345")
    assert error.value.code == "invalid_phone"


def test_guessing_phones_for_one_identity_number_is_stopped(cadre):
    for n in range(5):
        with pytest.raises(StudyError) as error:
            authenticate_cadre(
                id_number=CADRE_ID_NUMBER, phone=f"1370000000{n}", address=f"10.0.0.{n}"
            )
        assert error.value.code == "not_recognised"
    # The sixth try, even from another address and with the right phone, waits.
    with pytest.raises(StudyError) as error:
        authenticate_cadre(
            id_number=CADRE_ID_NUMBER, phone=CADRE_PHONE, address="10.0.0.99"
        )
    assert error.value.code == "rate_limited"
    assert "分钟" in str(error.value.message)


def test_one_address_trying_many_identities_is_stopped(cadre):
    codes = set()
    for n in range(21):
        try:
            authenticate_cadre(
                id_number=CADRE_ID_NUMBER if n % 2 else "11010519491231002X",
                phone=f"1370000{n:04d}",
                address="10.0.0.1",
            )
        except StudyError as error:
            codes.add(error.code)
    assert "rate_limited" in codes
