"""Chinese first whatever the browser says; English and large text on request."""

import pytest


@pytest.mark.django_db
def test_chinese_is_served_even_to_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.text
    assert "跳到主要内容" in response.text


@pytest.mark.django_db
def test_the_language_switch_serves_english_until_switched_back(client):
    switched = client.get("/prefs/language/en/?next=/")
    english = client.get("/")
    client.get("/prefs/language/zh-hans/?next=/")
    chinese = client.get("/")

    assert switched.status_code == 302
    assert switched["Location"] == "/"
    assert '<html lang="en"' in english.text
    assert "Skip to main content" in english.text
    assert '<html lang="zh-hans"' in chinese.text


@pytest.mark.django_db
def test_an_unknown_language_is_ignored(client):
    client.get("/prefs/language/xx/?next=/")

    assert '<html lang="zh-hans"' in client.get("/").text


@pytest.mark.django_db
def test_large_text_is_remembered_and_rendered_without_javascript(client):
    client.get("/prefs/text/large/?next=/")
    large = client.get("/")
    client.get("/prefs/text/normal/?next=/")
    normal = client.get("/")

    assert 'class="large-text"' in large.text
    assert 'aria-pressed="true"' in large.text
    assert 'class="large-text"' not in normal.text


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x"])
def test_preference_links_never_redirect_off_site(client, next_url):
    response = client.get("/prefs/text/large/", {"next": next_url})

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_every_public_page_has_the_accessibility_landmarks(client):
    html = client.get("/").text

    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'name="viewport"' in html


def test_health_check_needs_no_database(client):
    # No django_db mark: any query would raise here.
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"
