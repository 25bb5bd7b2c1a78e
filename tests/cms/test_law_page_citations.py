"""The law page shows, under each article, what cites it: episodes and lectures
now, exam questions once the bank registers its provider (cms.citations)."""

import pytest

from cms import citations
from tests.cms import factories

pytestmark = pytest.mark.django_db


def test_the_law_page_lists_the_episodes_citing_each_article(client):
    episode = factories.episode(
        title="楼上掉下的花盆", citations=[factories.article(1254)]
    )
    factories.episode(title="未发布的一期", publish=False)

    html = client.get("/laws/civil-code/").content.decode()
    article_1254 = html.split('id="article-1254"')[1].split("</article>")[0]
    article_1179 = html.split('id="article-1179"')[1].split("</article>")[0]

    assert "楼上掉下的花盆" in article_1254 and episode.url in article_1254
    assert "未发布的一期" not in html
    assert "楼上掉下的花盆" not in article_1179


def test_another_app_registers_what_cites_articles(client):
    target = factories.article(1165)

    def exam_questions(article_ids):
        return {target.pk: [("单选题：过错责任原则", "/exams/questions/1/")]}

    citations.register_citing("Exam questions", exam_questions, key="test.questions")
    try:
        html = client.get("/laws/civil-code/").content.decode()
    finally:
        citations.unregister_citing("test.questions")

    article_1165 = html.split('id="article-1165"')[1].split("</article>")[0]
    assert "Exam questions" in article_1165
    assert "单选题：过错责任原则" in article_1165


def test_citing_asks_each_provider_once_for_all_articles():
    calls = []

    def provider(article_ids):
        calls.append(list(article_ids))
        return {}

    citations.register_citing("Counting", provider, key="test.counting")
    try:
        citations.citing([1, 2, 3])
    finally:
        citations.unregister_citing("test.counting")

    assert calls == [[1, 2, 3]]
