"""The bank in a real browser: a proctor imports a file with a bad row, sees
where and why, and the question preview shows what a candidate sees at 360 px."""

import pytest

pytestmark = pytest.mark.e2e

BAD_CSV = (
    "题型,题干,选项A,选项B,答案,法律依据\n"
    "单选,宪法是国家的根本法吗？,是,否,A,宪法第五条\n"
    "多选,多选题却只有一个答案,甲,乙,Z,宪法第九百条\n"
).encode("gbk")


@pytest.fixture
def admin_page(browser, live_site):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{live_site.base_url}/admin/login/")
    page.fill("#id_username", "proctor")
    page.fill("#id_password", live_site.demo_password("proctor"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_site.base_url}/admin/")
    yield page
    context.close()


def test_a_bad_file_is_previewed_with_each_problem_and_cannot_be_imported(
    admin_page, live_site, screenshot
):
    page = admin_page
    page.goto(f"{live_site.base_url}/admin/quizzes/import/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "题目.csv", "mimeType": "text/csv", "buffer": BAD_CSV}],
    )
    page.get_by_role("button", name="上传并预览").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#import-errors")
    screenshot(page, "bank-import-preview-errors")

    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 2
    assert "第3行" in rows.nth(0).inner_text() or "第3行" in rows.nth(1).inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0


def test_the_question_preview_shows_the_candidate_view_on_a_phone(
    admin_page, live_site, screenshot
):
    page = admin_page
    page.goto(f"{live_site.base_url}/admin/snippets/quizzes/question/?q=根本制度")
    page.get_by_role("link", name="我国的根本制度是").first.click()
    page.locator('button[data-side-panel-toggle="preview"]').click()
    frame = page.frame_locator("#w-preview-iframe")
    frame.locator(".exam-question").wait_for()
    screenshot(page, "bank-question-edit-with-preview")

    preview_url = page.url.replace("/edit/", "/preview/")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(preview_url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "bank-question-preview-360")

    text = page.locator(".exam-question").inner_text()
    assert "我国的根本制度是" in text and "社会主义制度" in text
    assert page.locator(".exam-option--correct").count() == 0
    assert overflow <= 0
