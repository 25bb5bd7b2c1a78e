"""Acceptance 1: an editor writes an episode citing two articles, uploads its audio
and submits it; the reviewer approves; the episode is public, in the podcast feed
and on the cited article's law page."""

import feedparser
import pytest
import requests

from cms.services.media import tone_wav_bytes

pytestmark = pytest.mark.e2e
TITLE = "浏览器测试：阳台上的花盆掉了下来"


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def type_rich_text(page, container, text):
    editor = page.locator(f"{container} [contenteditable='true']").first
    editor.click()
    page.keyboard.type(text)


def test_editor_writes_reviewer_approves_public_sees_it(
    live_site, browser, screenshot, tmp_path
):
    base = live_site.base_url
    audio = tmp_path / "episode.wav"
    audio.write_bytes(tone_wav_bytes(seconds=5))

    # The editor writes the episode and submits it for review.
    editor_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = editor_context.new_page()
    log_in(page, base, "editor", live_site.demo_password("editor"))
    page.goto(f"{base}/admin/pages/")
    page.get_by_role("link", name="查看'博州普法'的子页面").click()
    page.get_by_role("link", name="查看'997说法时间'的子页面").click()
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_selector("#id_title")

    page.fill("#id_title", TITLE)
    page.fill("#id_number", "901")
    page.fill("#id_air_date", "2026-11-20")
    page.keyboard.press("Escape")
    page.select_option("#id_unit", label="州司法局")
    page.fill("#id_summary", "阳台花盆坠落砸坏楼下车辆，谁来赔？")
    type_rich_text(
        page,
        "[data-contentpath='case']",
        "居民张某阳台上的花盆坠落，砸坏了楼下的汽车。",
    )
    page.locator(
        "[data-contentpath='analysis'] button[title='Insert a block'], "
        "[data-contentpath='analysis'] button:has-text('Insert a block')"
    ).first.click()
    page.get_by_role("option", name="正文").click()
    type_rich_text(
        page, "[data-contentpath='analysis']", "民法典规定，禁止从建筑物中抛掷物品。"
    )
    page.select_option("#id_citations-0-law", label="民法典")
    page.fill("#id_citations-0-article_number", "1254")
    page.fill("#id_citations-0-chapter_start", "00:01")
    page.click("#id_citations-ADD")
    page.select_option("#id_citations-1-law", label="民法典")
    page.fill("#id_citations-1-article_number", "第一千一百六十五条")
    page.set_input_files("#id_audio", str(audio))
    page.get_by_role("tab", name="推荐").click()
    page.fill("#id_slug", "e2e-flower-pot")
    screenshot(page, "admin-episode-form")
    page.get_by_role("button", name="更多动作").click()
    page.locator("button[name='action-submit']").click()
    page.wait_for_load_state()
    errors = page.locator(".error-message, .help-critical, .messages .error")
    assert errors.count() == 0, errors.all_inner_texts()
    page.wait_for_url(f"{base}/admin/pages/*/")
    screenshot(page, "admin-episode-submitted")
    editor_context.close()

    assert requests.get(f"{base}/997/e2e-flower-pot/", timeout=10).status_code == 404

    # The reviewer approves it.
    reviewer_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = reviewer_context.new_page()
    log_in(page, base, "reviewer", live_site.demo_password("reviewer"))
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_selector("#id_title")
    screenshot(page, "admin-episode-review")
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="批准 和发布", exact=True).click()
    page.wait_for_url(f"{base}/admin/**")
    reviewer_context.close()

    # The public sees it, podcast apps get it, and the law page links to it.
    public = requests.get(f"{base}/997/e2e-flower-pot/", timeout=10)
    feed = feedparser.parse(
        requests.get(f"{base}/feeds/episodes.rss", timeout=10).content
    )
    law_page = requests.get(f"{base}/laws/civil-code/", timeout=10).text
    article_1254 = law_page.split('id="article-1254"')[1].split("</article>")[0]

    assert public.status_code == 200 and TITLE in public.text
    entry = next(e for e in feed.entries if TITLE in e.title)
    assert not feed.bozo
    assert entry.enclosures[0].type == "audio/wav"
    assert entry.itunes_duration == "00:00:05"
    assert TITLE in article_1254 and "/997/e2e-flower-pot/" in article_1254

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = phone.new_page()
    # In production nginx serves /media/ (docs/deploy.md); the test server does
    # not, so the browser is handed the uploaded file here.
    page.route(
        "**/media/episodes/**",
        lambda route: route.fulfill(path=str(audio), content_type="audio/wav"),
    )
    page.goto(f"{base}/997/e2e-flower-pot/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.select_option("#playback-rate", "1.5")
    rate = page.evaluate("document.querySelector('.player__media').playbackRate")
    page.locator(".chapters .js-seek").first.click()
    # The chapter starts at 00:01: the player jumps there (once it has loaded).
    page.wait_for_function(
        "document.querySelector('.player__media').currentTime >= 1", timeout=10000
    )
    position = page.evaluate("document.querySelector('.player__media').currentTime")
    screenshot(page, "episode-360")
    phone.close()

    assert overflow <= 0
    assert rate == 1.5
    assert position >= 1
