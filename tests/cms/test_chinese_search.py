"""Acceptance 3: Chinese full-text search finds words inside running Chinese text.

Runs on whichever database the suite uses: CI runs it on SQLite (FTS5) and on
PostgreSQL (tsvector); the test names the backend it ran on.
"""

import pytest
from django.db import connection

from cms.services.search import search_site, segment
from tests.cms import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend_name():
    from wagtail.search.backends import get_search_backend

    name = type(get_search_backend()).__name__
    print(f"search backend on {connection.vendor}: {name}")
    return name


def test_the_segmenter_cuts_running_text_into_words():
    words = segment("某小区居民在楼下散步时，被从高空抛物致人损害的花盆砸伤").split()

    assert "高空抛物" in words
    assert "花盆" in words
    assert "，" not in words


def test_a_word_inside_running_chinese_text_is_found(backend_name):
    hit = factories.episode(
        title="楼上掉下的花盆，谁来赔？",
        case="<p>…居民刘某被从高空抛物致人损害的花盆砸伤…</p>",
    )
    factories.episode(
        title="工程干完了，工钱却要不回来",
        case="<p>木工班组为某装修公司干活，公司拖欠劳务费。</p>",
        citations=[factories.article(1165)],
    )

    results = search_site(query="高空抛物")

    assert backend_name in {"SQLiteSearchBackend", "PostgresSearchBackend"}
    assert results.episodes == [hit]


def test_the_transcript_is_searched_too():
    from cms.services.transcripts import build_webvtt

    hit = factories.episode(
        title="第一期",
        case="<p>一个案子。</p>",
        transcript=build_webvtt([(0, 5, "主持人说：今天我们聊聊彩礼返还的问题。")]),
    )

    assert search_site(query="彩礼").episodes == [hit]


def test_every_word_of_the_query_must_match():
    factories.episode(case="<p>居民被高空抛物砸伤。</p>")

    assert search_site(query="高空抛物 离婚").episodes == []


def test_drafts_are_not_found():
    factories.episode(case="<p>一起高空抛物的案子。</p>", publish=False)

    assert search_site(query="高空抛物").episodes == []


def test_lectures_and_law_articles_are_found(backend_name):
    lecture = factories.lecture(topic="高空抛物与建筑物责任")
    factories.civil_code()

    results = search_site(query="抛掷物品")
    lectures = search_site(query="建筑物责任").lectures

    assert [str(a) for a in results.articles] == ["民法典第一千二百五十四条"]
    assert lectures == [lecture]


def test_the_search_page_lists_results_and_says_when_nothing_is_found(client):
    factories.episode(title="楼上掉下的花盆", case="<p>从高空抛物致人损害。</p>")

    found = client.get("/search/", {"q": "高空抛物"}).content.decode()
    nothing = client.get("/search/", {"q": "宇宙飞船"}).content.decode()
    empty = client.get("/search/").status_code

    assert "楼上掉下的花盆" in found
    assert "宇宙飞船" in nothing and "楼上掉下的花盆" not in nothing
    assert empty == 200
