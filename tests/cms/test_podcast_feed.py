"""Acceptance 2: the podcast feed, parsed by feedparser as podcast apps would."""

import feedparser
import pytest

from tests.cms import factories

pytestmark = pytest.mark.django_db


def parse(client):
    response = client.get("/feeds/episodes.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return response, feedparser.parse(response.content)


def test_every_published_episode_is_in_the_feed_with_enclosure_duration_guid(client):
    first = factories.with_audio(factories.episode(number=1), seconds=3)
    second = factories.with_audio(factories.episode(number=2), seconds=65)
    factories.episode(number=3, publish=False)  # a draft is not in the feed

    response, feed = parse(client)

    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 2
    by_guid = {entry.id: entry for entry in feed.entries}
    for page, duration in ((first, "00:00:03"), (second, "00:01:05")):
        entry = by_guid[f"urn:uuid:{page.translation_key}"]
        enclosure = entry.enclosures[0]
        assert enclosure.type == "audio/wav"
        assert int(enclosure.length) == page.audio_size
        assert enclosure.href.startswith("http://testserver/media/episodes/audio/")
        assert entry.itunes_duration == duration
        assert entry.published.endswith("+0800")
        assert entry.guidislink is False
    body = response.content.decode()
    assert "podcast:transcript" in body and 'type="text/vtt"' in body
    assert 'type="application/json+chapters"' in body
    assert "<itunes:explicit>false</itunes:explicit>" in body
    assert feed.feed.language == "zh-cn"
    assert feed.feed.image.href.endswith(".png")
    assert feed.feed.tags[0].term == "Government"


def test_the_guid_stays_when_the_episode_is_renamed(client):
    page = factories.with_audio(factories.episode())
    _response, before = parse(client)

    page.title = "改了名字的一期"
    page.slug = "renamed"
    page.save_revision().publish()
    _response, after = parse(client)

    assert before.entries[0].id == after.entries[0].id
    assert after.entries[0].link.endswith("/renamed/")


def test_unpublishing_or_deleting_an_episode_keeps_the_feed_valid(client):
    kept = factories.with_audio(factories.episode(number=1))
    unpublished = factories.with_audio(factories.episode(number=2))
    deleted = factories.with_audio(factories.episode(number=3))

    unpublished.unpublish()
    deleted.delete()
    _response, feed = parse(client)

    assert not feed.bozo
    assert [entry.id for entry in feed.entries] == [f"urn:uuid:{kept.translation_key}"]


def test_an_empty_column_gives_a_valid_empty_feed(client):
    _response, feed = parse(client)

    assert not feed.bozo
    assert feed.entries == []


def test_transcript_and_chapters_are_served_for_podcast_apps(client):
    page = factories.with_audio(factories.episode())

    transcript = client.get(f"/episodes/{page.pk}/transcript.vtt")
    chapters = client.get(f"/episodes/{page.pk}/chapters.json")

    assert transcript["Content-Type"].startswith("text/vtt")
    assert transcript.content.decode().startswith("WEBVTT")
    body = chapters.json()
    assert body["version"] == "1.2.0"
    assert [c["startTime"] for c in body["chapters"]] == [0, 4]
    assert body["chapters"][0]["title"] == "民法典第一千一百六十五条"
    assert body["chapters"][1]["url"].endswith("/laws/civil-code/#article-1254")


def test_a_draft_episodes_transcript_is_not_public(client):
    page = factories.episode(publish=False)

    assert client.get(f"/episodes/{page.pk}/transcript.vtt").status_code == 404
    assert client.get(f"/episodes/{page.pk}/chapters.json").status_code == 404


def test_every_page_advertises_both_feeds(client):
    for path in ("/", "/laws/", "/search/"):
        html = client.get(path).content.decode()
        assert 'type="application/rss+xml"' in html and "/feeds/episodes.rss" in html
        assert 'type="text/calendar"' in html and "/feeds/lectures.ics" in html
