"""Acceptance 1: `make run`'s path serves the site, admin and WebSockets for real."""

import json
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support.servers import LiveSite, production_environment

pytestmark = pytest.mark.server


def test_home_page_is_served_in_chinese(live_site):
    response = requests.get(f"{live_site.base_url}/", timeout=10)

    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.text
    assert "跳到主要内容" in response.text  # the skip link, in Chinese
    assert "博州普法" in response.text


def test_admin_accepts_the_login_load_demo_printed(live_site):
    session = requests.Session()
    login_url = f"{live_site.base_url}/admin/login/"
    page = session.get(login_url, timeout=10)
    token = session.cookies["csrftoken"]

    response = session.post(
        login_url,
        data={
            "username": "admin",
            "password": live_site.demo_password("admin"),
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
        headers={"Referer": login_url},
        timeout=10,
    )

    assert page.status_code == 200
    assert response.status_code == 200
    assert response.url == f"{live_site.base_url}/admin/"
    assert 'name="password"' not in response.text  # past the login form
    assert "sessionid" in session.cookies


def test_admin_refuses_a_wrong_password(live_site):
    session = requests.Session()
    login_url = f"{live_site.base_url}/admin/login/"
    session.get(login_url, timeout=10)

    response = session.post(
        login_url,
        data={
            "username": "admin",
            "password": "not-the-password",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": login_url},
        timeout=10,
    )

    assert response.url == login_url
    assert "sessionid" not in session.cookies


def test_static_files_are_served_by_the_app(live_site):
    response = requests.get(
        f"{live_site.base_url}/static/pufa/css/site.css", timeout=10
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")


def test_websocket_ping_answers_with_the_server_clock(live_site):
    before = time.time() * 1000
    with connect(f"{live_site.ws_url}/ws/ping/", origin=live_site.base_url) as socket:
        socket.send(json.dumps({"type": "ping", "id": 7}))
        reply = json.loads(socket.recv(timeout=10))

    assert reply["type"] == "pong"
    assert reply["id"] == 7
    assert before - 1000 <= reply["server_time"] <= time.time() * 1000 + 1000


def test_websocket_from_a_foreign_origin_is_refused_by_the_server(live_site):
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(f"{live_site.ws_url}/ws/ping/", origin="https://evil.example"),
    ):
        pass

    assert refused.value.response.status_code == 403


def test_production_mode_serves_collected_static_files_over_https_only(tmp_path):
    env = production_environment(STATIC_ROOT=str(tmp_path / "static"))
    site = LiveSite(extra_env=env)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=site.env,
            check=True,
            timeout=300,
        )
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["pufa/css/site.css"]
        site.start()
        https = {"X-Forwarded-Proto": "https"}

        static = requests.get(
            f"{site.base_url}/static/{hashed}", headers=https, timeout=10
        )
        plain_http = requests.get(
            f"{site.base_url}/", allow_redirects=False, timeout=10
        )
    finally:
        site.close()

    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]
    assert plain_http.status_code == 301
    assert plain_http.headers["Location"].startswith("https://")
