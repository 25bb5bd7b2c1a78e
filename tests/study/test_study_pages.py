"""The cadre's pages: sign-in, the record, practice and the review list, the
listening heartbeat endpoint; each serves only the cadre signed in."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from org.services import set_person_numbers
from quizzes.services.papers import displayed_keys
from study.models import ListeningDay
from study.services.practice import start_practice
from tests.factories import PersonFactory
from tests.study.conftest import CADRE_ID_NUMBER, CADRE_PHONE
from tests.study.factories import listenable_episode

pytestmark = pytest.mark.django_db


def signed_in(client, cadre):
    response = client.post(
        reverse("study:sign_in"),
        {"id_number": CADRE_ID_NUMBER, "phone": CADRE_PHONE},
    )
    assert response.status_code == 302
    return client


def test_pages_ask_a_stranger_to_sign_in(client):
    for name in ("home", "points", "practice", "review"):
        response = client.get(reverse(f"study:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("study:sign_in") + "?next=")


def test_signing_in_opens_the_record_with_masked_numbers_only(client, cadre, rules):
    response = client.post(
        reverse("study:sign_in") + "?next=/study/points/",
        {"id_number": CADRE_ID_NUMBER, "phone": CADRE_PHONE, "next": "/study/points/"},
    )
    assert response["Location"] == "/study/points/"
    page = client.get(reverse("study:home")).content.decode()
    assert "王建国" in page and cadre.id_number_masked in page
    assert CADRE_ID_NUMBER not in page and CADRE_PHONE not in page
    assert "no-cache" in client.get(reverse("study:home"))["Cache-Control"]


def test_wrong_numbers_are_refused_in_chinese(client, cadre):
    response = client.post(
        reverse("study:sign_in"), {"id_number": CADRE_ID_NUMBER, "phone": "13700000000"}
    )
    assert response.status_code == 400
    assert "身份证号与手机号不能对应到已登记的干部" in response.content.decode()
    assert client.get(reverse("study:home")).status_code == 302


def test_an_outside_next_address_is_ignored(client, cadre):
    response = client.post(
        reverse("study:sign_in"),
        {
            "id_number": CADRE_ID_NUMBER,
            "phone": CADRE_PHONE,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("study:home")


def test_a_changed_number_signs_the_cadre_out(client, cadre):
    signed_in(client, cadre)
    set_person_numbers(cadre, phone="13600000000")
    cadre.save()
    assert client.get(reverse("study:home")).status_code == 302


def test_signing_out(client, cadre):
    signed_in(client, cadre)
    response = client.post(reverse("study:sign_out"))
    assert response.status_code == 302
    assert client.get(reverse("study:home")).status_code == 302


def test_practice_flow_shows_feedback_and_refuses_an_empty_answer(
    client, cadre, law_questions
):
    law, _questions = law_questions
    signed_in(client, cadre)
    response = client.post(reverse("study:practice"), {"law": law.pk})
    session_url = response["Location"]
    page = client.get(session_url).content.decode()
    assert "第 1 题，共 4 题" in page and "提交答案" in page

    empty = client.post(session_url, {"position": 1})
    assert empty.status_code == 400
    assert "请选择" in empty.content.decode()

    paper = cadre.practice_sessions.get()
    item = paper.items.select_related("version").get(position=1)
    wrong = (displayed_keys(item)[0] + 1) % 2
    answered = client.post(session_url, {"position": 1, "choice": [wrong]})
    assert answered["Location"].endswith("?q=1#feedback")
    page = client.get(answered["Location"]).content.decode()
    assert "答错了" in page and "这道题已加入错题本" in page
    assert "下一题" in page
    review = client.get(reverse("study:review")).content.decode()
    assert "复习 1 道错题" in review


def test_another_cadres_paper_is_not_found(client, cadre, law_questions):
    law, _questions = law_questions
    other = PersonFactory()
    theirs = start_practice(person=other, law=law)
    signed_in(client, cadre)
    url = reverse("study:session", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"position": 1, "choice": [0]}).status_code == 404


def test_starting_an_empty_review_list_says_so(client, cadre):
    signed_in(client, cadre)
    response = client.post(reverse("study:review"), follow=True)
    assert "错题本已清空" in response.content.decode()


def test_the_heartbeat_endpoint(cadre, rules):
    episode = listenable_episode()
    client = Client(enforce_csrf_checks=True)
    url = reverse("study:listen")
    body = json.dumps(
        {"episode": episode.pk, "session": str(uuid.uuid4()), "beat": "start"}
    )
    anonymous = client.post(url, body, content_type="application/json")
    assert anonymous.status_code in (401, 403)

    page = client.get(reverse("study:sign_in"))
    token = page.cookies["csrftoken"].value
    client.post(
        reverse("study:sign_in"),
        {
            "id_number": CADRE_ID_NUMBER,
            "phone": CADRE_PHONE,
            "csrfmiddlewaretoken": token,
        },
    )
    without_token = client.post(url, body, content_type="application/json")
    assert without_token.status_code == 403  # CSRF: a session-bound POST
    token = client.cookies["csrftoken"].value
    response = client.post(
        url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert response.json()["credited"] == 0
    assert "已计入学法档案" in response.json()["message"]
    bad = client.post(
        url, "not json", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert bad.status_code == 400
    assert not ListeningDay.objects.exists()


def test_the_episode_page_counts_a_signed_in_cadre_by_name(client, cadre, rules):
    episode = listenable_episode()
    anonymous = client.get(episode.url).content.decode()
    assert "study/listen.js" not in anonymous
    assert f'data-episode="{episode.pk}"' in anonymous
    signed_in(client, cadre)
    page = client.get(episode.url).content.decode()
    assert "study/listen.js" in page


def test_the_rules_page_is_public(client, rules):
    page = client.get(reverse("study:rules")).content.decode()
    assert "现行规则：第1版" in page and "每分钟 0.5 分" in page
