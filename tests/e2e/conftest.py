"""Playwright with Debian's Chromium (Playwright's own download cannot work here)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


def _cjk_font_installed():
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    return "WenQuanYi" in os.popen(f"{fc_list} :lang=zh family").read()


@pytest.fixture(scope="module")
def browser():
    """Per module: Playwright's sync API keeps an event loop running in this thread
    while it lives, which would break asyncio in the tests that follow."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (make browsers installs it)")
    if not _cjk_font_installed():
        pytest.skip("No CJK font (fonts-wqy-microhei): Chinese would render as boxes")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone in WeChat's browser (360 px wide)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
