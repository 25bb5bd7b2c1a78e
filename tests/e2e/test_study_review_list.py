"""Acceptance 4: on a phone (360 px) a cadre signs in, replays the review list
(错题本), misses one question again and gets it right in the next round, until the
list is empty."""

import json

import pytest

pytestmark = pytest.mark.e2e

ID_NUMBER = "652701199001011237"
PHONE = "13655501234"

# A cadre of their own, two questions of a law of their own, and a practice paper
# whose two questions were answered wrong: the review list holds both. Prints each
# question's stem with the texts of its right options.
MAKE_REVIEW_LIST = f"""
import json
from cms.models import Law, LawArticle
from org.services import find_or_create_person
from quizzes.models import QuestionKind, QuestionStatus
from quizzes.services.bank import QuestionData, create_question
from quizzes.services.papers import displayed_keys
from study.services.practice import answer_item, start_practice

cadre, _ = find_or_create_person(
    full_name="错题测试干部", id_number="{ID_NUMBER}", phone="{PHONE}"
)
law, _ = Law.objects.get_or_create(
    short_name="错题测试法",
    defaults=dict(
        title="错题本测试条例", slug="review-list-law", kind="local_regulation"
    ),
)
article, _ = LawArticle.objects.get_or_create(
    law=law, number=1, defaults=dict(number_label="第一条", text="第一条 测试条文。")
)
questions = [
    QuestionData(kind=QuestionKind.SINGLE, stem="错题测试：哪一项是甲？",
                 options=["甲", "乙", "丙", "丁"], keys=[0], explanation="甲就是甲。",
                 article_ids=[article.pk]),
    QuestionData(kind=QuestionKind.MULTIPLE, stem="错题测试：哪些是数字？",
                 options=["一", "二", "猫", "三"], keys=[0, 1, 3],
                 explanation="一二三是数字。", article_ids=[article.pk]),
]
made = [create_question(data, status=QuestionStatus.ACTIVE) for data in questions]
paper = start_practice(person=cadre, law=law)
for item in paper.items.select_related("version"):
    key = displayed_keys(item)
    answer_item(person=cadre, session_id=paper.pk, position=item.position,
                choice=[(key[0] + 1) % 4])
print(json.dumps({{
    q.stem: [q.options[k] for k in q.keys] for q in questions
}}, ensure_ascii=False))
"""


def no_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0


def answer(page, right_texts, *, right):
    """Tick the right options, or one wrong option, and submit."""
    options = page.locator("label.exam-option")
    texts = [
        t.strip() for t in page.locator("label .exam-option__text").all_inner_texts()
    ]
    if right:
        for index, text in enumerate(texts):
            if text in right_texts:
                options.nth(index).click()
    else:
        wrong = next(i for i, text in enumerate(texts) if text not in right_texts)
        options.nth(wrong).click()
    page.get_by_role("button", name="提交答案").click()


def current_stem(page):
    return page.locator("legend.exam-question__stem").inner_text().strip()


def test_review_list_is_replayed_until_empty(live_site, phone, screenshot):
    keys = json.loads(
        live_site.manage("shell", "-c", MAKE_REVIEW_LIST).strip().splitlines()[-1]
    )
    base = live_site.base_url

    # Sign in.
    phone.goto(f"{base}/study/review/")
    phone.get_by_label("身份证号").fill(ID_NUMBER)
    phone.get_by_label("手机号").fill(PHONE)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{base}/study/review/")

    # The review list holds the two missed questions.
    phone.get_by_role("heading", name="错题本").wait_for()
    listed = phone.locator(".study-review li").all_inner_texts()
    assert len(listed) == 2
    assert no_overflow(phone)
    screenshot(phone, "study-review-360-list")

    # Round 1: miss the first question shown again, get the second right.
    phone.get_by_role("button", name="复习 2 道错题").click()
    missed = current_stem(phone)
    answer(phone, keys[missed], right=False)
    feedback = phone.locator("#feedback")
    feedback.wait_for()
    assert "答错了" in feedback.inner_text()
    assert "这道题已加入错题本" in feedback.inner_text()
    assert no_overflow(phone)
    screenshot(phone, "study-review-360-wrong")
    phone.get_by_role("link", name="下一题").click()
    answer(phone, keys[current_stem(phone)], right=True)
    assert "答对了" in phone.locator("#feedback").inner_text()
    phone.get_by_role("link", name="查看结果").click()
    assert "1/2" in phone.locator(".study-total").inner_text()
    screenshot(phone, "study-review-360-round1")

    # The list now holds only the question missed again.
    phone.get_by_role("link", name="复习错题本（1）").click()
    assert len(phone.locator(".study-review li").all_inner_texts()) == 1
    assert missed[:8] in phone.locator(".study-review").inner_text()

    # Round 2: answered right; the list is empty.
    phone.get_by_role("button", name="复习 1 道错题").click()
    assert current_stem(phone) == missed
    answer(phone, keys[missed], right=True)
    assert "答对了" in phone.locator("#feedback").inner_text()
    phone.get_by_role("link", name="查看结果").click()
    phone.get_by_text("错题本已清空。").wait_for()
    phone.get_by_role("link", name="错题本", exact=True).click()
    phone.get_by_text("错题本已清空。").wait_for()
    assert phone.locator(".study-review li").count() == 0
    assert no_overflow(phone)
    screenshot(phone, "study-review-360-empty")
