"""A county organiser sees and edits only its county's people."""

import pytest

from org import roles
from org.models import Person
from tests.factories import CountyFactory, PersonFactory, staff_user, valid_id_number


@pytest.fixture
def counties():
    return CountyFactory(name="博乐市"), CountyFactory(name="温泉县")


@pytest.fixture
def bole_organiser(client, counties):
    user = staff_user(roles.ORGANISER, county=counties[0])
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_the_people_list_shows_only_the_organisers_county(
    client, counties, bole_organiser
):
    PersonFactory(full_name="博乐人", county=counties[0])
    PersonFactory(full_name="温泉人", county=counties[1])
    PersonFactory(full_name="州直人", county=None)

    html = client.get("/admin/snippets/org/person/").text

    assert "博乐人" in html
    assert "温泉人" not in html
    assert "州直人" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["edit", "inspect", "history", "usage", "delete"])
def test_another_countys_person_cannot_be_opened_by_url(
    client, counties, bole_organiser, view
):
    other = PersonFactory(full_name="温泉人", county=counties[1])

    response = client.get(f"/admin/snippets/org/person/{view}/{other.pk}/")

    assert response.status_code in (302, 403, 404)
    assert "温泉人" not in response.text


@pytest.mark.django_db
def test_another_countys_person_cannot_be_changed_by_a_forged_post(
    client, counties, bole_organiser
):
    other = PersonFactory(full_name="温泉人", county=counties[1])

    response = client.post(
        f"/admin/snippets/org/person/edit/{other.pk}/",
        {"full_name": "被改", "county": counties[0].pk},
    )

    other.refresh_from_db()
    assert response.status_code == 404
    assert other.full_name == "温泉人"
    assert other.county == counties[1]


@pytest.mark.django_db
def test_a_prefecture_organiser_sees_every_county(client, counties):
    client.force_login(staff_user(roles.ORGANISER))
    PersonFactory(full_name="博乐人", county=counties[0])
    PersonFactory(full_name="温泉人", county=counties[1])

    html = client.get("/admin/snippets/org/person/").text

    assert "博乐人" in html and "温泉人" in html


@pytest.mark.django_db
def test_a_county_organiser_can_only_add_people_to_its_own_county(
    client, counties, bole_organiser
):
    response = client.post(
        "/admin/snippets/org/person/add/",
        {
            "full_name": "新人",
            "id_number": valid_id_number(5),
            "county": counties[1].pk,
        },
    )

    assert response.status_code == 200  # the form again, with an error
    assert not Person.objects.filter(full_name="新人").exists()

    client.post(
        "/admin/snippets/org/person/add/",
        {
            "full_name": "新人",
            "id_number": valid_id_number(5),
            "county": counties[0].pk,
        },
    )
    assert Person.objects.get(full_name="新人").county == counties[0]
