"""Plays are counted anonymously, per episode per day, for the reach ledger."""

import datetime
import uuid

import pytest
import time_machine

from cms.errors import CmsError
from cms.models import EpisodePlay
from cms.services.plays import daily_play_counts, record_play, total_plays
from tests.cms import factories

pytestmark = pytest.mark.django_db
# 23:30 on 1 March in UTC is already 2 March in China.
LATE_EVENING_UTC = datetime.datetime(2024, 3, 1, 23, 30, tzinfo=datetime.UTC)


def test_a_retried_play_counts_once():
    episode = factories.episode()
    nonce = uuid.uuid4()

    _play, first = record_play(episode_id=episode.pk, nonce=nonce)
    _play, second = record_play(episode_id=episode.pk, nonce=str(nonce))

    assert (first, second) == (True, False)
    assert EpisodePlay.objects.count() == 1


def test_plays_are_counted_per_day_in_china_time():
    episode = factories.episode()
    other = factories.episode()
    with time_machine.travel(LATE_EVENING_UTC):
        for _ in range(3):
            record_play(episode_id=episode.pk, nonce=uuid.uuid4())
        record_play(episode_id=other.pk, nonce=uuid.uuid4())

    rows = daily_play_counts(
        start=datetime.date(2024, 3, 1), end=datetime.date(2024, 3, 2)
    )

    assert [(r["day"], r["episode_id"], r["plays"]) for r in rows] == [
        (datetime.date(2024, 3, 2), episode.pk, 3),
        (datetime.date(2024, 3, 2), other.pk, 1),
    ]
    assert "测试案例" in rows[0]["episode_label"]
    assert (
        total_plays(start=datetime.date(2024, 3, 2), end=datetime.date(2024, 3, 2)) == 4
    )
    assert (
        daily_play_counts(
            start=datetime.date(2024, 3, 2),
            end=datetime.date(2024, 3, 2),
            episode_ids=[other.pk],
        )[0]["plays"]
        == 1
    )


def test_a_draft_episode_is_not_counted():
    episode = factories.episode(publish=False)

    with pytest.raises(CmsError) as error:
        record_play(episode_id=episode.pk, nonce=uuid.uuid4())

    assert error.value.code == "no_such_episode"
    assert EpisodePlay.objects.count() == 0


def test_the_figures_outlive_a_deleted_episode():
    episode = factories.episode()
    record_play(episode_id=episode.pk, nonce=uuid.uuid4())

    episode.delete()

    play = EpisodePlay.objects.get()
    assert play.episode_id is None and play.episode_label


def test_the_player_posts_a_play_without_a_csrf_token(client):
    from django.test import Client

    episode = factories.episode()
    strict = Client(enforce_csrf_checks=True)
    nonce = str(uuid.uuid4())

    first = strict.post(
        f"/episodes/{episode.pk}/plays/",
        {"nonce": nonce},
        content_type="application/json",
    )
    again = strict.post(
        f"/episodes/{episode.pk}/plays/",
        {"nonce": nonce},
        content_type="application/json",
    )
    bad = strict.post(
        f"/episodes/{episode.pk}/plays/", "not json", content_type="application/json"
    )
    missing = strict.post(
        "/episodes/999999/plays/", {"nonce": nonce}, content_type="application/json"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert bad.status_code == 400 and bad.json()["code"] == "bad_nonce"
    assert missing.status_code == 404
    assert client.get(f"/episodes/{episode.pk}/plays/").status_code == 405
    assert EpisodePlay.objects.count() == 1


def test_one_listener_reloading_the_page_counts_three_plays_an_hour_at_most(client):
    episode = factories.episode()

    statuses = [
        client.post(
            f"/episodes/{episode.pk}/plays/",
            {"nonce": str(uuid.uuid4())},
            content_type="application/json",
        ).status_code
        for _ in range(5)
    ]

    assert statuses == [201, 201, 201, 429, 429]
    assert EpisodePlay.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_play_sent_twice_at_once_counts_once():
    import threading

    from django.db import connection

    episode = factories.episode()
    nonce = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(record_play(episode_id=episode.pk, nonce=nonce)[1])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [False, True]
    assert EpisodePlay.objects.count() == 1
