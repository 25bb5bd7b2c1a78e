"""Adding a person in the admin keeps only hashes and masks, with errors in Chinese."""

import pytest

from org import roles
from org.models import Person
from tests.factories import CountyFactory, PersonFactory, staff_user, valid_id_number


@pytest.fixture
def organiser(client):
    user = staff_user(roles.ORGANISER)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_a_person_added_with_numbers_is_stored_masked(client, organiser):
    number = valid_id_number(42)
    response = client.post(
        "/admin/snippets/org/person/add/",
        {
            "full_name": "赵新民",
            "id_number": number,
            "phone": "13912345678",
            "position": "科长",
        },
    )

    person = Person.objects.get(full_name="赵新民")
    assert response.status_code == 302
    assert person.id_number_masked == f"{number[:3]}***********{number[-4:]}"
    assert person.phone_masked == "139****5678"
    listing = client.get("/admin/snippets/org/person/").text
    assert "139****5678" in listing
    assert "13912345678" not in listing


@pytest.mark.django_db
def test_a_wrong_identity_number_is_refused_in_chinese(client, organiser):
    response = client.post(
        "/admin/snippets/org/person/add/",
        {"full_name": "赵新民", "id_number": "652701198001010000"},
    )

    assert response.status_code == 200
    assert "身份证号码" in response.text
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_person_without_any_number_is_refused(client, organiser):
    response = client.post("/admin/snippets/org/person/add/", {"full_name": "无号人"})

    assert response.status_code == 200
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_number_that_belongs_to_someone_else_is_refused(client, organiser):
    number = valid_id_number(7)
    PersonFactory(full_name="先到者", id_number=number)

    response = client.post(
        "/admin/snippets/org/person/add/", {"full_name": "后到者", "id_number": number}
    )

    assert response.status_code == 200
    assert not Person.objects.filter(full_name="后到者").exists()


@pytest.mark.django_db
def test_editing_without_retyping_numbers_keeps_them(client, organiser):
    county = CountyFactory()
    person = PersonFactory(full_name="旧名", county=county)
    hashes = (person.id_number_hash, person.phone_hash)

    client.post(
        f"/admin/snippets/org/person/edit/{person.pk}/",
        {"full_name": "新名", "county": county.pk},
    )

    person.refresh_from_db()
    assert person.full_name == "新名"
    assert (person.id_number_hash, person.phone_hash) == hashes
