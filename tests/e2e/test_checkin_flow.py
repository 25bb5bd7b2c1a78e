"""Acceptance 2: an attendee checks in on a phone, scans again, goes offline and
checks in to a second event that syncs later; the dashboard counts each once."""

import json
import re

import pytest

pytestmark = pytest.mark.e2e

MAKE_EVENTS = """
import json
from django.utils import timezone
from events.models import Event, EventType
from org.models import Place
talk = EventType.objects.get(key="grassroots_talk")
county = Place.objects.counties().get(name="博乐市")
now = timezone.now()
codes = []
for title in ("扫码签到测试：民法典宣讲", "扫码签到测试：宪法宣讲"):
    event = Event.objects.create(
        event_type=talk, title=title, county=county, starts_at=now,
        ends_at=now + timezone.timedelta(hours=2),
    )
    codes.append([event.pk, event.checkin_code])
print(json.dumps(codes))
"""
PHONE = "13600001234"


def dashboard_totals(page, base_url):
    page.goto(f"{base_url}/admin/reach/")
    values = page.locator(".reach-totals__value").all_inner_texts()
    return int(values[1]), int(values[2])  # 人次, 人


def ledger_person_times(page, base_url, pk):
    page.goto(f"{base_url}/admin/reach/events/{pk}/")
    return int(page.locator(".reach-totals__value").first.inner_text())


@pytest.fixture
def admin_page(browser, live_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_site.base_url}/admin/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", live_site.demo_password("organiser"))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    yield page
    context.close()


def test_check_in_rescan_offline_and_sync(live_site, phone, admin_page, screenshot):
    (first_pk, first_code), (second_pk, second_code) = json.loads(
        live_site.manage("shell", "-c", MAKE_EVENTS).strip().splitlines()[-1]
    )
    before = dashboard_totals(admin_page, live_site.base_url)
    answer = phone.locator("#checkin-answer")

    # 1. Check in at the first event.
    phone.goto(f"{live_site.base_url}/checkin/{first_code}/")
    phone.get_by_label("姓名").fill("测试签到人")
    phone.get_by_label("手机号或身份证号").fill(PHONE)
    phone.get_by_role("button", name="签到", exact=True).click()
    answer.get_by_text("签到成功", exact=True).wait_for()
    overflow = phone.evaluate("document.documentElement.scrollWidth - innerWidth")
    screenshot(phone, "checkin-360-checked-in")

    # 2. Scan again: the phone remembers; and the server too, for another entry.
    phone.reload()
    answer.get_by_text("已签到", exact=True).wait_for()
    screenshot(phone, "checkin-360-rescan")
    phone.get_by_role("button", name="为其他人签到").click()
    phone.get_by_label("姓名").fill("测试签到人")
    phone.get_by_label("手机号或身份证号").fill(PHONE)
    phone.get_by_role("button", name="签到", exact=True).click()
    answer.get_by_text("已签到", exact=True).wait_for()
    server_says = answer.inner_text()

    # 3. The second event's page is open; the network drops; the check-in waits.
    phone.goto(f"{live_site.base_url}/checkin/{second_code}/")
    phone.context.set_offline(True)
    phone.get_by_label("姓名").fill("测试签到人")
    phone.get_by_label("手机号或身份证号").fill(PHONE)
    phone.get_by_role("button", name="签到", exact=True).click()
    answer.get_by_text("已保存，等待联网").wait_for()
    queued = phone.locator("#checkin-queue").inner_text()
    screenshot(phone, "checkin-360-offline-queued")
    counted_while_offline = ledger_person_times(
        admin_page, live_site.base_url, second_pk
    )

    # 4. Back online: it syncs by itself.
    phone.context.set_offline(False)
    answer.get_by_text("签到成功", exact=True).wait_for(timeout=30_000)
    screenshot(phone, "checkin-360-synced")

    after = dashboard_totals(admin_page, live_site.base_url)
    assert overflow <= 0
    assert "您已于" in server_says
    assert "宪法宣讲" in queued
    assert counted_while_offline == 0
    assert ledger_person_times(admin_page, live_site.base_url, first_pk) == 1
    assert ledger_person_times(admin_page, live_site.base_url, second_pk) == 1
    assert after == (before[0] + 2, before[1] + 1)  # two 人次, one 人


def test_the_public_summary_fits_a_phone(live_site, phone, screenshot):
    phone.goto(f"{live_site.base_url}/reach/?year=2023")

    overflow = phone.evaluate("document.documentElement.scrollWidth - innerWidth")
    totals = phone.locator(".figure__value").all_inner_texts()
    screenshot(phone, "reach-summary-360")

    assert overflow <= 0
    assert totals[1] == "178436"
    assert phone.locator("svg[role=img]").count() == 4


def test_the_dashboard_and_report_in_the_admin(live_site, admin_page, screenshot):
    admin_page.goto(f"{live_site.base_url}/admin/reach/?year=2023")
    screenshot(admin_page, "reach-dashboard-2023")
    admin_page.goto(f"{live_site.base_url}/admin/reach/report/?year=2023")
    paragraph = admin_page.locator("#paragraph").inner_text()
    screenshot(admin_page, "reach-report-2023")

    assert "530余场次" in paragraph and "17.8万余人次" in paragraph
