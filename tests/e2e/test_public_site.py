"""The public site on a phone, by keyboard, in large text and in English."""

import pytest

pytestmark = pytest.mark.e2e


def test_home_page_on_a_phone_by_keyboard(live_site, phone, screenshot):
    phone.goto(f"{live_site.base_url}/")

    phone.keyboard.press("Tab")
    skip_link = phone.locator(".skip-link")
    focused_is_skip = phone.evaluate(
        "document.activeElement.classList.contains('skip-link')"
    )
    box = skip_link.bounding_box()
    phone.keyboard.press("Enter")
    focused_id = phone.evaluate("document.activeElement.id")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    screenshot(phone, "home-360")

    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert focused_is_skip and box["y"] >= 0  # visible when focused
    assert skip_link.inner_text() == "跳到主要内容"
    assert focused_id == "main"
    assert overflow <= 0  # nothing wider than the phone


def test_large_text_switch_enlarges_and_is_remembered(live_site, phone, screenshot):
    phone.goto(f"{live_site.base_url}/")

    def root_font_px():
        return phone.evaluate(
            "parseFloat(getComputedStyle(document.documentElement).fontSize)"
        )

    normal = root_font_px()
    phone.get_by_role("button", name="大字模式").click()
    large = root_font_px()
    pressed = phone.get_by_role("button", name="大字模式").get_attribute("aria-pressed")
    phone.reload()
    after_reload = root_font_px()
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    screenshot(phone, "home-360-large-text")

    assert large >= normal * 1.2
    assert pressed == "true"
    assert after_reload == large
    assert overflow <= 0


def test_english_switch(live_site, phone):
    phone.goto(f"{live_site.base_url}/")

    phone.get_by_role("link", name="English").click()

    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator(".skip-link").inner_text() == "Skip to main content"
