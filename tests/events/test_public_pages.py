"""The public check-in page and the public summary (aggregates only)."""

import uuid

import pytest
import time_machine

from events.models import Attendance
from events.services import record_attendance, record_headcount
from events.views import CHECKINS_PER_MINUTE
from tests.events.factories import EventFactory, local
from tests.factories import CountyFactory, PersonFactory

pytestmark = pytest.mark.django_db
DURING = local(2023, 5, 9, 10, 30)


@pytest.fixture
def event():
    return EventFactory(
        title="民法典进社区",
        starts_at=local(2023, 5, 9, 10),
        ends_at=local(2023, 5, 9, 12),
    )


def post(client, event, **data):
    payload = {
        "client_id": str(uuid.uuid4()),
        "full_name": "张三",
        "identity": "13912345678",
        **data,
    }
    return client.post(
        f"/checkin/{event.checkin_code}/", payload, content_type="application/json"
    )


def test_the_three_answers(client, event):
    with time_machine.travel(DURING, tick=False):
        first = post(client, event)
        second = post(client, event)
        refused = post(client, event, identity="1391234", full_name="李四")

    assert (first.status_code, first.json()["status"]) == (200, "checked_in")
    assert second.json()["status"] == "already_checked_in"
    assert "10:30" in second.json()["message"]
    assert (refused.status_code, refused.json()["status"]) == (400, "refused")
    assert "11位" in refused.json()["message"]
    assert Attendance.objects.count() == 1


def test_an_identity_number_is_recognised_as_such(client, event):
    from tests.factories import valid_id_number

    with time_machine.travel(DURING, tick=False):
        response = post(client, event, identity=valid_id_number(7))

    person = Attendance.objects.get().person
    assert response.json()["status"] == "checked_in"
    assert person.id_number_hash and not person.phone_hash


def test_after_the_window_the_page_says_when_it_closed(client, event):
    with time_machine.travel(local(2023, 5, 9, 14), tick=False):
        response = post(client, event)

    assert response.status_code == 400
    assert "已于2023-05-09 13:00截止" in response.json()["message"]


def test_without_javascript_the_form_posts_and_answers(client, event):
    with time_machine.travel(DURING, tick=False):
        page = client.get(f"/checkin/{event.checkin_code}/")
        client_id = page.context["client_id"]
        answer = client.post(
            f"/checkin/{event.checkin_code}/",
            {"client_id": client_id, "full_name": "张三", "identity": "13912345678"},
        )
        double_click = client.post(
            f"/checkin/{event.checkin_code}/",
            {"client_id": client_id, "full_name": "张三", "identity": "13912345678"},
        )

    assert "签到成功" in answer.content.decode()
    assert "签到成功" in double_click.content.decode()
    assert Attendance.objects.count() == 1


def test_an_unknown_code_is_refused(client):
    response = client.get("/checkin/no-such-code/")

    assert response.status_code == 404
    assert "签到码无效" in response.content.decode()


def test_too_many_check_ins_from_one_address_are_held_back(client, event):
    with time_machine.travel(DURING, tick=False):
        answers = [
            post(client, event, identity=f"139{n:08d}").status_code
            for n in range(CHECKINS_PER_MINUTE + 1)
        ]

    assert answers[-1] == 429
    assert Attendance.objects.count() == CHECKINS_PER_MINUTE


def test_the_public_summary_shows_aggregates_and_no_names(client):
    county = CountyFactory(name="博乐市")
    event = EventFactory(county=county, title="内部标题不公开")
    record_headcount(event=event, count=40)
    record_attendance(event=event, person=PersonFactory(full_name="张三丰"))

    page = client.get("/reach/?year=2023").content.decode()

    assert "博乐市" in page and "41" in page
    assert "张三丰" not in page and "内部标题不公开" not in page
    assert "<svg" in page and 'role="img"' in page
