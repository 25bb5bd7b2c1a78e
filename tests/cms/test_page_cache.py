"""Anonymous visitors get cached public pages: keyed on the two display cookies,
never an editor's page, never stale after publishing."""

import pytest
from django.conf import settings

from tests.cms import factories
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_a_public_page_is_cached_for_anonymous_visitors(client):
    page = factories.episode(title="缓存测试")

    first = client.get(page.url)
    second = client.get(page.url)

    assert first["X-Pufa-Cache"] == "miss"
    assert second["X-Pufa-Cache"] == "hit"
    assert second.content == first.content
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_the_cache_keys_on_language_and_text_size(client):
    page = factories.episode()
    client.get(page.url)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(page.url)
    client.cookies["pufa_text"] = "large"
    large = client.get(page.url)

    assert english["X-Pufa-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()
    assert large["X-Pufa-Cache"] == "miss"
    assert 'class="large-text"' in large.content.decode()


def test_a_logged_in_editor_never_gets_or_fills_the_cache(client):
    page = factories.episode()
    client.get(page.url)  # cached for anonymous visitors
    client.force_login(staff_user("editor"))

    response = client.get(page.url)

    assert "X-Pufa-Cache" not in response
    assert "wagtail-userbar" in response.content.decode()
    client.logout()
    assert "wagtail-userbar" not in client.get(page.url).content.decode()


def test_publishing_a_change_is_seen_at_once(client):
    page = factories.episode(title="旧标题")
    client.get(page.url)

    page.title = "新标题"
    page.save_revision().publish()
    response = client.get(page.url)

    assert response["X-Pufa-Cache"] == "miss"
    assert "新标题" in response.content.decode()


def test_an_unpublished_page_is_gone_at_once(client):
    page = factories.episode()
    url = page.url
    client.get(url)

    page.unpublish()

    assert client.get(url).status_code == 404


def test_previews_and_posts_are_not_cached(client):
    page = factories.episode()
    client.force_login(staff_user("editor"))

    preview = client.get(f"/admin/pages/{page.pk}/edit/preview/")

    assert "X-Pufa-Cache" not in preview
