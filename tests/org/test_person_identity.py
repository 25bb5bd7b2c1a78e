"""Acceptance 7: one Person per human, matched by keyed hashes; no raw numbers."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings

from org.models import Person
from org.services import (
    OrgError,
    find_or_create_person,
    find_person,
    id_number_check_character,
    normalise_id_number,
)
from tests.factories import valid_id_number

ID_NUMBER = valid_id_number(123, birth="19790612")  # ends in a digit or X
PHONE = "13812345678"


def id_with_x():
    for sequence in range(1000):
        number = valid_id_number(sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no X check character in range")


def all_text_in_database():
    """Every text value in every table, to prove what is (not) stored."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values.extend(str(value) for value in row if value is not None)
    return "\n".join(values)


@pytest.mark.django_db
def test_the_same_number_with_other_spacing_and_case_is_one_person():
    number = id_with_x()
    spaced = f" {number[:6]} {number[6:14]} {number[14:17]}{number[17].lower()} "

    first, created_first = find_or_create_person(full_name="巴特尔", id_number=number)
    second, created_second = find_or_create_person(full_name="巴特尔", id_number=spaced)

    assert created_first and not created_second
    assert first.pk == second.pk
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_full_width_digits_match_too():
    full_width = ID_NUMBER.translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    )

    first, _ = find_or_create_person(full_name="其其格", id_number=ID_NUMBER)
    second, created = find_or_create_person(full_name="其其格", id_number=full_width)

    assert not created and first.pk == second.pk


@pytest.mark.django_db
def test_the_database_never_contains_the_raw_numbers():
    find_or_create_person(full_name="阿依古丽", id_number=ID_NUMBER, phone=PHONE)

    stored = all_text_in_database()
    person = Person.objects.get()

    assert ID_NUMBER not in stored
    assert ID_NUMBER[6:14] not in stored  # not even the birth date
    assert PHONE not in stored
    assert person.id_number_masked == f"{ID_NUMBER[:3]}***********{ID_NUMBER[-4:]}"
    assert person.phone_masked == "138****5678"
    assert len(person.id_number_hash) == 64


@pytest.mark.django_db
def test_a_returning_person_is_found_by_phone_alone_and_gains_the_missing_number():
    person, _ = find_or_create_person(full_name="努尔兰", phone="138 1234 5678")

    again, created = find_or_create_person(
        full_name="努尔兰", phone="+86 138-1234-5678", id_number=ID_NUMBER
    )

    assert not created and again.pk == person.pk
    assert find_person(id_number=ID_NUMBER).pk == person.pk


@pytest.mark.django_db
def test_numbers_of_two_different_people_are_a_conflict_not_a_merge():
    find_or_create_person(full_name="甲", id_number=ID_NUMBER)
    find_or_create_person(full_name="乙", phone=PHONE)

    with pytest.raises(OrgError) as error:
        find_or_create_person(full_name="甲", id_number=ID_NUMBER, phone=PHONE)

    assert error.value.code == "identity_conflict"
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"id_number": ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")},
            "invalid_id_number",
        ),
        ({"id_number": "65270119800101"}, "invalid_id_number"),
        ({"phone": "1381234567"}, "invalid_phone"),
        ({"phone": "23812345678"}, "invalid_phone"),
        ({}, "identity_missing"),
    ],
)
@pytest.mark.django_db
def test_bad_numbers_are_refused_with_a_reason(kwargs, code):
    with pytest.raises(OrgError) as error:
        find_or_create_person(full_name="某人", **kwargs)

    assert error.value.code == code
    assert str(error.value.message)
    assert Person.objects.count() == 0


def test_the_check_character_follows_gb_11643():
    # The standard's worked example: 11010519491231002X.
    assert id_number_check_character("11010519491231002") == "X"
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.django_db
def test_the_hash_depends_on_the_installation_key():
    person, _ = find_or_create_person(full_name="乌兰", id_number=ID_NUMBER)

    with override_settings(IDENTITY_HASH_KEY="another-installation"):
        assert find_person(id_number=ID_NUMBER) is None
    assert find_person(id_number=ID_NUMBER).pk == person.pk


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_check_ins_of_the_same_person_make_one_person():
    barrier = threading.Barrier(2)
    results, errors = [], []

    def check_in():
        try:
            barrier.wait(timeout=10)
            results.append(find_or_create_person(full_name="额尔德尼", phone=PHONE))
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=check_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Person.objects.count() == 1
    assert len({person.pk for person, _created in results}) == 1
