"""Acceptance 1 of issue 7: a host and three players, each in a browser of their
own, play a 3-question contest on a real server. One player drops out and comes
back with its score; the scores and the leaderboard follow the formula."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SECONDS = 60  # the host ends each question early: the timer never decides here
RIGHT, WRONG = "B", "A"  # the questions' right option is the second one
PLAYERS = ("阿依古丽", "小王", "巴特尔")
# Who answers what, question by question (None: no answer).
ANSWERS = {
    1: {"阿依古丽": RIGHT, "小王": RIGHT, "巴特尔": WRONG},
    2: {"阿依古丽": RIGHT, "小王": RIGHT, "巴特尔": RIGHT},
    3: {"阿依古丽": WRONG, "小王": RIGHT, "巴特尔": None},
}


def kahoot(elapsed_ms, seconds=SECONDS):
    return int(1000 * (1 - elapsed_ms / (2 * seconds * 1000)) + 0.5)


def expected_points(detail):
    """Every answer's points and bonus, recomputed from its time and the streak."""
    streaks, expected = {}, {}
    for nickname, position, correct, elapsed_ms, _points, _bonus in sorted(
        detail, key=lambda row: (row[1], row[0])
    ):
        last = streaks.get(nickname, (0, 0))
        streak = (last[0] + 1 if last[1] == position - 1 else 1) if correct else 0
        if correct:
            streaks[nickname] = (streak, position)
        bonus = min(100 * (streak - 1), 500) if correct else 0
        expected[(nickname, position)] = (kahoot(elapsed_ms) if correct else 0, bonus)
    return expected


@pytest.fixture
def contest(live_site):
    return json.loads(
        live_site.run_module("tests.support.contest_setup", 0, 3, SECONDS)
    )


def new_phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    return context, context.new_page()


def test_host_and_three_players_play_three_questions(
    browser, live_site, contest, screenshot
):
    base = live_site.base_url
    name, value = contest["host_cookie"].split("=", 1)
    host_context = browser.new_context(
        viewport={"width": 1280, "height": 720}, locale="zh-CN"
    )
    host_context.add_cookies([{"name": name, "value": value, "url": base}])
    host = host_context.new_page()
    host.goto(f"{base}/admin/contests/host/{contest['contest']}/")
    expect(host.locator(".host-pin")).to_contain_text(contest["pin"][:3])

    phones = {}
    for nickname in PLAYERS:
        context, page = new_phone(browser)
        page.goto(f"{base}/play/")
        page.get_by_label("竞赛码").fill(contest["pin"])
        page.get_by_role("button", name="下一步").click()
        page.get_by_label("昵称").fill(nickname)
        page.get_by_role("button", name="加入").click()
        expect(page.locator("#screen-wait")).to_be_visible()
        phones[nickname] = (context, page)
    expect(host.locator("#lobby-count")).to_have_text("3")
    screenshot(host, "contest-host-lobby")

    host.get_by_role("button", name="开始").click()
    for number in (1, 2, 3):
        expect(host.locator("#host-question")).to_be_visible()
        expect(host.locator("#host-progress")).to_have_text(f"第 {number} 题 / 共 3 题")
        if number == 2:
            # 小王's phone drops out and comes back: same browser, same player.
            context, page = phones["小王"]
            page.close()
            page = context.new_page()
            page.goto(f"{base}/play/{contest['pin']}/")
            expect(page.locator("#me-name")).to_have_text("小王")
            expect(page.locator("#me-score")).not_to_have_text("0")
            phones["小王"] = (context, page)
        answered = 0
        for nickname, letter in ANSWERS[number].items():
            page = phones[nickname][1]
            expect(page.locator("#screen-question")).to_be_visible()
            if letter is None:
                continue
            page.locator(".contest-option", has_text=letter).first.click()
            expect(page.locator("#screen-answered")).to_be_visible()
            answered += 1
        expect(host.locator("#hq-answered")).to_have_text(str(answered))
        if number == 1:
            screenshot(phones["巴特尔"][1], "contest-phone-answered")
            screenshot(host, "contest-host-question")
        host.get_by_role("button", name="提前结束本题").click()
        expect(host.locator("#host-reveal")).to_be_visible()
        expect(host.locator("#hr-summary")).to_contain_text(RIGHT)
        for nickname, letter in ANSWERS[number].items():
            page = phones[nickname][1]
            expect(page.locator("#screen-result")).to_be_visible()
            wanted = {RIGHT: "回答正确", WRONG: "答错", None: "未作答"}[letter]
            expect(page.locator("#result-title")).to_contain_text(wanted)
        if number == 1:
            screenshot(host, "contest-host-reveal")
            screenshot(phones["阿依古丽"][1], "contest-phone-result")
        host.get_by_role("button", name="排行榜").click()
        expect(host.locator("#host-leaderboard")).to_be_visible()
        expect(host.locator("#hl-rows li")).to_have_count(3)
        last = "公布获奖名单" if number == 3 else "下一题"
        host.get_by_role("button", name=last).click()

    expect(host.locator("#host-ended")).to_be_visible()
    expect(host.locator("#he-podium li")).to_have_count(3)
    screenshot(host, "contest-host-podium")
    podium = [
        (
            item.locator(".host-podium__name").inner_text(),
            int(item.locator(".host-podium__score").inner_text().split()[0]),
        )
        for item in host.locator("#he-podium li").all()
    ]

    saved = json.loads(
        live_site.run_module("tests.support.contest_setup", "dump", contest["contest"])
    )
    # Every answer scored by the formula, measured by the server.
    expected = expected_points(saved["detail"])
    for nickname, position, _correct, _ms, points, bonus in saved["detail"]:
        assert (points, bonus) == expected[(nickname, position)]
    totals = dict.fromkeys(PLAYERS, 0)
    for (nickname, _position), (points, bonus) in expected.items():
        totals[nickname] += points + bonus
    assert saved["scores"] == totals
    assert saved["answers"] == {"1": 3, "2": 3, "3": 2}
    # The podium is the leaderboard, best first; 小王's drop cost nothing.
    assert podium == sorted(totals.items(), key=lambda item: -item[1])
    assert podium[0][0] == "小王"
    for nickname, (context, page) in phones.items():
        expect(page.locator("#me-score")).to_have_text(str(totals[nickname]))
        expect(page.locator("#ended-rank")).to_be_visible()
        context.close()
    host_context.close()
