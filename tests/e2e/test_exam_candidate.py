"""Acceptance (issue 6): a candidate sits the live exam on a phone — ticket login,
answers, a dropped network with two answers given offline, submission, the result
the review options allow — while a proctor's board shows each step."""

import json
import re

import pytest

pytestmark = pytest.mark.e2e

MAKE_SITTING = """
import datetime as dt, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from quizzes.models import Blueprint, Candidate, Sitting
from org.models import Person
from quizzes.services.tickets import issue_ticket
now = timezone.now()
sitting = Sitting.objects.create(
    name="端到端测试考场", blueprint=Blueprint.objects.get(name__contains="标准卷"),
    opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(hours=2),
    duration_minutes=60, status="open", review_score="after_attempt",
    review_correctness="after_attempt",
)
sitting.proctors.add(get_user_model().objects.get(username="proctor"))
person = Person.objects.filter(unit__isnull=False).order_by("pk").first()
candidate = Candidate.objects.create(sitting=sitting, person=person)
_ticket, code = issue_ticket(candidate=candidate)
print(json.dumps({"sitting": sitting.pk, "candidate": candidate.pk, "code": code,
                  "name": person.full_name}))
"""

SAVED_ANSWERS = """
import json
from quizzes.models import Attempt
attempt = Attempt.objects.get(candidate_id={candidate})
print(json.dumps({{"status": attempt.status, "answered": attempt.answered_count,
    "answers": sorted([a.position, a.client_seq] for a in attempt.answers.all()
                      if a.client_seq)}}))
"""


def shell(live_site, script):
    return json.loads(live_site.manage("shell", "-c", script).strip().splitlines()[-1])


@pytest.fixture
def board(browser, live_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_site.base_url}/admin/login/")
    page.fill("#id_username", "proctor")
    page.fill("#id_password", live_site.demo_password("proctor"))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    yield page
    context.close()


def row_text(board, candidate, cell):
    return board.locator(f"#board-row-{candidate} .{cell}").inner_text()


def wait_row(board, candidate, cell, text):
    board.wait_for_function(
        "([id, cell, text]) => {"
        "  const td = document.querySelector(`#board-row-${id} .${cell}`);"
        "  return td && td.textContent.includes(text); }",
        arg=[candidate, cell, text],
    )


def answer(phone, option):
    phone.locator(".exam-option").nth(option).click()


def test_a_candidate_sits_the_exam_through_a_dropped_network(
    live_site, phone, board, screenshot
):
    made = shell(live_site, MAKE_SITTING)
    candidate = made["candidate"]
    board.goto(f"{live_site.base_url}/admin/exams/board/{made['sitting']}/")
    board.get_by_text("实时：动态即时更新。").wait_for()
    assert "离线" in row_text(board, candidate, "board-online")
    assert "未开始" in row_text(board, candidate, "board-status")

    # 1. Ticket login on the phone, the lobby, the start.
    phone.goto(f"{live_site.base_url}/exam/")
    phone.get_by_label("准考码").fill(made["code"].lower())
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(re.compile(r".*/exam/paper/$"))
    phone.get_by_role("button", name="开始答题").wait_for()
    screenshot(phone, "exam-360-lobby")
    wait_row(board, candidate, "board-online", "在线")
    phone.get_by_role("button", name="开始答题").click()
    phone.locator(".exam-question").wait_for()
    wait_row(board, candidate, "board-status", "答题中")

    # 2. Two answers, each acknowledged by the server.
    answer(phone, 0)
    phone.get_by_text("已保存").wait_for()
    phone.get_by_role("button", name="下一题").click()
    answer(phone, 1)
    phone.get_by_text("已保存").wait_for()
    wait_row(board, candidate, "board-answered", "2 / 50")
    screenshot(phone, "exam-360-paper")
    overflow = phone.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0

    # 3. The network drops; two more answers wait on the phone.
    phone.context.set_offline(True)
    phone.get_by_text("连接已断开").wait_for()
    for option in (2, 0):
        phone.get_by_role("button", name="下一题").click()
        answer(phone, option)
        phone.get_by_text("等待提交", exact=True).wait_for()
    screenshot(phone, "exam-360-offline")
    pending = phone.evaluate(
        "Object.keys(localStorage).filter(k => k.endsWith('.pending'))"
        ".map(k => Object.keys(JSON.parse(localStorage[k])).length)"
    )
    assert pending == [2]
    assert shell(live_site, SAVED_ANSWERS.format(candidate=candidate))["answered"] == 2
    # Leaving the page while offline (防切屏) is kept too, not lost.
    phone.evaluate(
        "dispatchEvent(new Event('blur')); dispatchEvent(new Event('focus'))"
    )
    leavings = phone.evaluate(
        "Object.keys(localStorage).filter(k => k.endsWith('.focus'))"
        ".map(k => JSON.parse(localStorage[k]).length)"
    )
    assert leavings == [1]

    # 4. Back online: the queue is sent, in order, each answer once.
    phone.context.set_offline(False)
    phone.get_by_text("已保存").wait_for()
    wait_row(board, candidate, "board-answered", "4 / 50")
    saved = shell(live_site, SAVED_ANSWERS.format(candidate=candidate))
    assert saved["answered"] == 4
    assert [position for position, _seq in saved["answers"]] == [1, 2, 3, 4]
    assert [seq for _position, seq in saved["answers"]] == [1, 2, 3, 4]
    wait_row(board, candidate, "board-focus", "1")

    # 5. Submit: the confirmation lists what is unanswered.
    phone.locator("#exam-submit").click()
    dialog = phone.get_by_role("alertdialog")
    dialog.wait_for()
    assert "第 5–50 题" in dialog.inner_text()
    screenshot(phone, "exam-360-confirm")
    dialog.get_by_role("button", name="确定交卷").click()

    # 6. The result: score and correctness now; right answers only after the close.
    phone.get_by_role("heading", name="考试结果").wait_for()
    score = phone.locator("#exam-score").inner_text()
    assert re.fullmatch(r"\d+\.\d\d / 100\.00", score)
    assert phone.locator(".exam-result .exam-question").count() == 50
    assert phone.get_by_text("正确答案").count() == 0
    assert phone.get_by_text("解析").count() == 0
    certificate = phone.get_by_role("link", name="下载成绩证书（PDF）")
    pdf = phone.request.get(live_site.base_url + certificate.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    screenshot(phone, "exam-360-result")
    wait_row(board, candidate, "board-status", "已交卷")
    assert shell(live_site, SAVED_ANSWERS.format(candidate=candidate))["status"] == (
        "graded"
    )
    activity = board.locator("#board-activity").inner_text()
    for step in ("已连接", "开始答题", "已答", "已交卷"):
        assert step in activity
    screenshot(board, "exam-board-desktop")


def test_without_websockets_the_page_answers_over_http(live_site, browser, screenshot):
    made = shell(live_site, MAKE_SITTING)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    # A browser (or a proxy) without WebSockets: the page must use the HTTP API.
    context.add_init_script("delete window.WebSocket;")
    phone = context.new_page()
    try:
        phone.goto(f"{live_site.base_url}/exam/t/{made['code']}/")
        phone.get_by_text("实时连接不可用").wait_for()
        phone.get_by_role("button", name="开始答题").click()
        phone.locator(".exam-question").wait_for()
        answer(phone, 1)
        phone.get_by_text("已保存").wait_for()
        phone.get_by_role("button", name="下一题").click()
        answer(phone, 0)
        phone.get_by_text("已保存").wait_for()
        screenshot(phone, "exam-360-http-fallback")
        saved = shell(live_site, SAVED_ANSWERS.format(candidate=made["candidate"]))
        assert saved["answers"] == [[1, 1], [2, 2]]
        phone.locator("#exam-submit").click()
        phone.get_by_role("button", name="确定交卷").click()
        phone.get_by_role("heading", name="考试结果").wait_for()
        saved = shell(live_site, SAVED_ANSWERS.format(candidate=made["candidate"]))
        assert saved["status"] == "graded"
    finally:
        context.close()
