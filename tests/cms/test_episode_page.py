"""The episode page: player, transcript, chapters, citations; a bounded number of
SQL queries when nothing is cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cms import factories

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20


def test_an_uncached_episode_page_makes_at_most_20_queries(client):
    page = factories.with_audio(factories.episode())
    page.topics.add("高空抛物", "侵权责任")
    page.save_revision().publish()
    client.get("/")  # Wagtail's site-root cache is warm in a running server too

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url, HTTP_CACHE_CONTROL="no-cache")

    assert response.status_code == 200 and response["X-Pufa-Cache"] == "miss"
    print(f"uncached episode page: {len(queries)} SQL queries")
    assert len(queries) <= MAX_QUERIES, "\n".join(q["sql"] for q in queries)


def test_the_page_shows_player_speed_transcript_and_chapters(client):
    page = factories.with_audio(factories.episode())

    html = client.get(page.url).content.decode()

    assert "<audio" in html and 'class="player__media"' in html
    assert 'class="js-playback-rate"' in html and 'value="1.5"' in html
    assert 'data-start="4"' in html  # the second chapter, at 00:04
    assert "楼上掉下来一个花盆。" in html  # a transcript line
    assert "民法典第一千一百六十五条" in html
    assert f'data-plays-url="/episodes/{page.pk}/plays/"' in html


def test_share_metadata_for_wechat(client):
    page = factories.episode(summary="高空抛物砸伤路人，谁来赔？")

    html = client.get(page.url).content.decode()

    assert '<meta property="og:title" content="第' in html
    assert (
        '<meta property="og:description" content="高空抛物砸伤路人，谁来赔？">' in html
    )
    assert (
        'property="og:image" content="http://testserver/static/cms/img/share.png"'
        in html
    )
    assert 'itemprop="image"' in html


def test_the_column_filters_by_unit_law_topic_and_year(client):
    from tests.factories import UnitFactory

    unit = UnitFactory(name="州司法局")
    wanted = factories.episode(number=1, unit=unit, title="要找的一期")
    wanted.topics.add("彩礼")
    wanted.save_revision().publish()
    factories.episode(number=2, title="另一期", citations=[factories.article(1179)])
    column = factories.column()

    by_unit = client.get(column.url, {"unit": unit.pk}).content.decode()
    by_topic = client.get(column.url, {"topic": "彩礼"}).content.decode()
    by_year = client.get(column.url, {"year": 2022}).content.decode()
    by_law = client.get(column.url, {"law": "civil-code"}).content.decode()
    nonsense = client.get(column.url, {"unit": "abc", "year": "x"}).status_code

    assert "要找的一期" in by_unit and "另一期" not in by_unit
    assert "要找的一期" in by_topic and "另一期" not in by_topic
    assert "要找的一期" not in by_year
    assert "要找的一期" in by_law and "另一期" in by_law
    assert nonsense == 200


def test_the_column_is_paginated(client):
    for number in range(1, 13):
        factories.episode(number=number)
    column = factories.column()

    first = client.get(column.url).content.decode()
    second = client.get(column.url, {"page": 2}).content.decode()
    beyond = client.get(column.url, {"page": 99}).status_code

    assert 'rel="next"' in first and "第12期" in first
    assert "第1期 测试案例" in second and 'rel="prev"' in second
    assert beyond == 200
