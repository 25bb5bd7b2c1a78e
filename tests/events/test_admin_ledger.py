"""The ledger in the admin: who may see what, county scope, corrections, imports."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from events.models import Attendance, Event, ImportBatch
from events.services import record_headcount
from org import roles
from tests.events.factories import EventFactory
from tests.factories import CountyFactory, PersonFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def counties():
    return CountyFactory(name="博乐市"), CountyFactory(name="精河县")


@pytest.fixture
def events(counties):
    bole, jinghe = counties
    ours = EventFactory(county=bole, title="博乐的宣讲")
    theirs = EventFactory(county=jinghe, title="精河的宣讲")
    record_headcount(event=ours, count=70)
    record_headcount(event=theirs, count=900)
    return ours, theirs


def test_a_county_organiser_sees_only_their_countys_figures_and_events(
    client, counties, events
):
    theirs = events[1]
    client.force_login(staff_user(roles.ORGANISER, county=counties[0]))

    dashboard = client.get("/admin/reach/?year=2023")
    other_ledger = client.get(f"/admin/reach/events/{theirs.pk}/")
    other_poster = client.get(f"/admin/reach/events/{theirs.pk}/poster.pdf")
    listing = client.get("/admin/snippets/events/event/")

    assert dashboard.status_code == 200
    assert dashboard.context["total"].person_times == 70
    assert "精河的宣讲" not in dashboard.content.decode()
    assert other_ledger.status_code == 404 and other_poster.status_code == 404
    assert "博乐的宣讲" in listing.content.decode()
    assert "精河的宣讲" not in listing.content.decode()


def test_a_county_organiser_cannot_edit_another_countys_event(client, counties, events):
    client.force_login(staff_user(roles.ORGANISER, county=counties[0]))
    theirs = events[1]

    response = client.get(f"/admin/snippets/events/event/edit/{theirs.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("role", [roles.EDITOR, roles.PROCTOR, "public"])
def test_roles_without_the_ledger_are_refused(client, events, role):
    user = UserFactory(username="someone") if role == "public" else staff_user(role)
    client.force_login(user)

    for url in (
        "/admin/reach/",
        "/admin/reach/report/",
        f"/admin/reach/events/{events[0].pk}/",
        "/admin/reach/imports/",
        "/admin/reach/export.xlsx?year=2023&dimension=county",
    ):
        assert client.get(url).status_code in (302, 403), url


def test_the_ledger_page_shows_masked_numbers_and_the_qr(client, events):
    ours = events[0]
    Attendance.objects.create(
        event=ours, person=PersonFactory(phone="13912345678"), kind="roster"
    )
    client.force_login(staff_user(roles.ORGANISER))

    page = client.get(f"/admin/reach/events/{ours.pk}/").content.decode()

    assert "139****5678" in page
    assert "13912345678" not in page
    assert f"/checkin/{ours.checkin_code}/" in page
    assert "<svg" in page


def test_a_correction_is_appended_with_reason_and_user_and_shown(client, events):
    ours = events[0]
    row = Attendance.objects.current().get(event=ours)
    organiser = staff_user(roles.ORGANISER)
    client.force_login(organiser)

    refused = client.post(
        f"/admin/reach/events/{ours.pk}/", {"attendance": row.pk, "count": 60}
    )
    client.post(
        f"/admin/reach/events/{ours.pk}/",
        {"attendance": row.pk, "count": 60, "reason": "重复统计了一个班"},
    )
    again = client.post(
        f"/admin/reach/events/{ours.pk}/",
        {"attendance": row.pk, "count": 50, "reason": "再改"},
    )
    page = client.get(f"/admin/reach/events/{ours.pk}/").content.decode()

    assert refused.status_code == 302
    rows = list(Attendance.objects.filter(event=ours).order_by("pk"))
    assert [r.count for r in rows] == [70, 60]  # the original stays; one correction
    assert rows[1].corrects == rows[0] and rows[1].recorded_by == organiser
    assert rows[1].reason == "重复统计了一个班"
    assert (
        sum(
            Attendance.objects.current()
            .filter(event=ours)
            .values_list("count", flat=True)
        )
        == 60
    )
    assert again.status_code == 302
    assert "重复统计了一个班" in page and f"已被#{rows[1].pk}取代" in page


def test_editing_the_headcount_appends_a_correction_and_needs_a_reason(client, events):
    ours = events[0]
    client.force_login(staff_user(roles.ADMINISTRATOR))
    url = f"/admin/snippets/events/event/edit/{ours.pk}/"
    data = {
        "event_type": ours.event_type_id,
        "title": ours.title,
        "starts_at": "2023-05-09 10:00",
        "ends_at": "2023-05-09 12:00",
        "county": ours.county_id,
        "platform": "onsite",
        "headcount": 75,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
        "photos-MIN_NUM_FORMS": 0,
        "photos-MAX_NUM_FORMS": 1000,
    }

    without_reason = client.post(url, data)
    with_reason = client.post(url, {**data, "headcount_reason": "补录迟到人员"})

    assert without_reason.status_code == 200  # the form again, with the error
    assert with_reason.status_code == 302
    counts = list(Attendance.objects.filter(event=ours).values_list("count", flat=True))
    assert counts == [70, 75]


def test_the_event_form_refuses_a_township_of_another_county(client, counties):
    from tests.factories import TownshipFactory

    tuoli = TownshipFactory(name="托里镇", parent=counties[1])
    client.force_login(staff_user(roles.ADMINISTRATOR))

    response = client.post(
        "/admin/snippets/events/event/add/",
        {
            "event_type": EventFactory.build().event_type.pk,
            "title": "宣讲",
            "starts_at": "2023-05-09 10:00",
            "ends_at": "2023-05-09 12:00",
            "county": counties[0].pk,
            "township": tuoli.pk,
            "platform": "onsite",
            "photos-TOTAL_FORMS": 0,
            "photos-INITIAL_FORMS": 0,
            "photos-MIN_NUM_FORMS": 0,
            "photos-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 200
    assert "托里镇不在博乐市" in response.content.decode()
    assert not Event.objects.exists()


def test_upload_preview_confirm_in_the_admin(client, counties):
    client.force_login(staff_user(roles.ORGANISER))
    workbook = Workbook()
    workbook.active.append(["类型", "标题", "开始时间", "县市", "人数"])
    workbook.active.append(["走基层宣讲", "宣讲", "2023-05-09 10:00", "博乐市", 50])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "events.xlsx"

    upload = client.post(
        "/admin/reach/imports/", {"kind": "events", "year": 2023, "file": buffer}
    )
    batch = ImportBatch.objects.get()
    preview = client.get(upload["Location"])
    confirm = client.post(f"/admin/reach/imports/{batch.pk}/")
    progress = client.get(f"/admin/reach/imports/{batch.pk}/progress/").json()

    assert "宣讲" in preview.content.decode()
    assert confirm.status_code == 302
    assert progress["status"] == "done" and progress["percent"] == 100
    assert Event.objects.count() == 1


def test_an_upload_of_the_wrong_type_says_so(client):
    client.force_login(staff_user(roles.ORGANISER))
    upload = io.BytesIO(b"\xd0\xcf\x11\xe0 old excel")
    upload.name = "events.xls"

    response = client.post(
        "/admin/reach/imports/", {"kind": "events", "year": 2023, "file": upload}
    )

    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_export_of_a_breakdown_is_a_workbook_with_the_figures(client, events):
    client.force_login(staff_user(roles.ORGANISER))

    response = client.get("/admin/reach/export.xlsx?year=2023&dimension=county")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row}
    assert rows["博乐市"][2] == 70 and rows["精河县"][2] == 900
    assert rows["合计"][1:3] == (2, 970)


def test_the_report_page_shows_the_paragraph(client, events):
    client.force_login(staff_user(roles.ORGANISER))

    page = client.get("/admin/reach/report/?year=2023").content.decode()

    assert "受教育人数970人次" in page


def test_the_poster_is_a_pdf(client, events):
    client.force_login(staff_user(roles.ORGANISER))

    response = client.get(f"/admin/reach/events/{events[0].pk}/poster.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_breakdown_line_drills_down_to_its_events(client, counties, events):
    client.force_login(staff_user(roles.ORGANISER))

    page = client.get("/admin/reach/?year=2023&by=county")
    line = next(
        line for line in page.context["sections"][0]["lines"] if line.label == "精河县"
    )
    drilled = client.get(f"/admin/reach/?{line.drill}")

    assert page.context["sections"][0]["dimension"] == "county"
    assert f"county={counties[1].pk}" in line.drill
    assert drilled.context["total"].person_times == 900
    assert [e.title for e in drilled.context["events_page"]] == ["精河的宣讲"]


def test_without_a_year_the_dashboard_shows_the_latest_year_with_events(client, events):
    client.force_login(staff_user(roles.ORGANISER))

    response = client.get("/admin/reach/")

    assert response.context["reach_filter"].year == 2023
    assert response.context["total"].person_times == 970
