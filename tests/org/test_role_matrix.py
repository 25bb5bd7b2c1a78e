"""Acceptance 5: each role × each admin area and public page → allowed or refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from org import roles
from tests.factories import CountyFactory, PersonFactory, UserFactory, staff_user

ALLOWED, REFUSED, LOGIN = "allowed", "refused", "login"

AREAS = {
    "home": "/",
    "dashboard": "/admin/",
    "pages": "/admin/pages/",
    "images": "/admin/images/",
    "documents": "/admin/documents/",
    "people": "/admin/snippets/org/person/",
    "add_person": "/admin/snippets/org/person/add/",
    "places": "/admin/snippets/org/place/",
    "add_place": "/admin/snippets/org/place/add/",
    "units": "/admin/snippets/org/unit/",
    "staff_scopes": "/admin/snippets/org/staffscope/",
    "users": "/admin/users/",
    "groups": "/admin/groups/",
    "workflows": "/admin/workflows/list/",
    "laws": "/admin/snippets/cms/law/",
    "questions": "/admin/snippets/quizzes/question/",
    "add_question": "/admin/snippets/quizzes/question/add/",
    "blueprints": "/admin/snippets/quizzes/blueprint/",
    "import_questions": "/admin/quizzes/import/",
    "reach_dashboard": "/admin/reach/",
    "reach_events": "/admin/snippets/events/event/",
    "reach_add_event": "/admin/snippets/events/event/add/",
    "reach_imports": "/admin/reach/imports/",
    "reach_report": "/admin/reach/report/",
    "reach_targets": "/admin/snippets/events/target/",
    "reach_add_target": "/admin/snippets/events/target/add/",
    "reach_event_types": "/admin/snippets/events/eventtype/add/",
    "reach_public": "/reach/",
}
# The reach ledger: organisers keep it; targets and the type list are set by the
# administrator.
LEDGER = {
    "reach_dashboard",
    "reach_events",
    "reach_add_event",
    "reach_imports",
    "reach_report",
    "reach_targets",
}

# What each role may open. Everything else in AREAS must be refused.
CONTENT = {
    "home",
    "dashboard",
    "pages",
    "images",
    "documents",
    "places",
    "units",
    "laws",
}
# Editors and reviewers write questions; proctors (考务) keep the bank.
AUTHORING = {"questions", "add_question"}
BANK = {*AUTHORING, "blueprints", "import_questions"}
MATRIX = {
    "anonymous": {"home", "reach_public"},
    "public": {"home", "reach_public"},  # a logged-in candidate or member of the public
    roles.EDITOR: CONTENT | AUTHORING | {"reach_public"},
    roles.REVIEWER: CONTENT | AUTHORING | {"reach_public"},
    roles.PROCTOR: {
        "home",
        "dashboard",
        "people",
        "places",
        "units",
        "laws",
        "reach_public",
        *BANK,
    },
    roles.ORGANISER: {
        "home",
        "dashboard",
        "people",
        "add_person",
        "places",
        "units",
        "reach_public",
        *LEDGER,
    },
    "county_organiser": {
        "home",
        "dashboard",
        "people",
        "add_person",
        "places",
        "units",
        "reach_public",
        *LEDGER,
    },
    roles.ADMINISTRATOR: set(AREAS),
}


def make_user(role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "public":
        return UserFactory(username="citizen")
    if role == "county_organiser":
        return staff_user(roles.ORGANISER, county=CountyFactory(name="博乐市"))
    return staff_user(role)


def outcome(response):
    if response.status_code == 200:
        return ALLOWED
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return LOGIN
    assert response.status_code in (302, 403, 404), response.status_code
    return REFUSED


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(MATRIX))
def test_role_matrix(client, role):
    user = make_user(role)
    if user.is_authenticated:
        client.force_login(user)

    seen = {area: outcome(client.get(url)) for area, url in AREAS.items()}

    allowed = {area for area, result in seen.items() if result == ALLOWED}
    assert allowed == MATRIX[role]
    if role == "anonymous":
        public = {"home", "reach_public"}
        assert {result for area, result in seen.items() if area not in public} == {
            LOGIN
        }


@pytest.mark.django_db
def test_the_public_and_candidates_never_get_admin_access(client):
    client.force_login(UserFactory(username="candidate"))

    response = client.get("/admin/")

    assert outcome(response) != ALLOWED


@pytest.mark.django_db
def test_a_role_without_a_permission_cannot_post_to_it_either(client):
    county = CountyFactory(name="精河县")
    person = PersonFactory(full_name="原名", county=county)
    client.force_login(staff_user(roles.PROCTOR))

    response = client.post(
        f"/admin/snippets/org/person/edit/{person.pk}/",
        {"full_name": "改名", "county": county.pk},
    )

    person.refresh_from_db()
    assert outcome(response) == REFUSED
    assert person.full_name == "原名"
