"""The contest's pages: joining at /play/ (PIN, nickname, phone, team), the host
screen, the results and their xlsx, and setting a contest up in the admin."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Event
from org import roles
from quizzes.contest_consumers import PLAYER_COOKIE
from quizzes.models import Contest, ContestPlayer
from quizzes.services import contests
from tests.factories import CountyFactory, TownshipFactory, staff_user
from tests.quizzes.contest_factories import contest_questions, join, make_contest
from tests.quizzes.exam_factories import small_blueprint

pytestmark = pytest.mark.django_db

URLS = "wagtailsnippets_quizzes_contest"


def url(name, *args):
    return reverse(f"{URLS}:{name}", args=args)


def join_url(contest):
    return reverse("contest:join", args=[contest.pin])


def test_the_pin_page_leads_to_the_join_form(client):
    contest = make_contest()
    assert "contest-pin" in client.get("/play/").content.decode()

    response = client.post("/play/", {"pin": f" {contest.pin} "})

    assert response.status_code == 302 and response["Location"] == join_url(contest)
    page = client.get(join_url(contest)).content.decode()
    assert contest.title in page and 'name="nickname"' in page


def test_a_wrong_pin_says_so_and_guessing_is_stopped(client):
    make_contest()
    response = client.post("/play/", {"pin": "000000"})
    assert response.status_code == 404
    assert "6 位" in response.content.decode()
    for _ in range(contests.WRONG_PIN_LIMIT.limit):
        client.get("/play/123456/")
    assert client.post("/play/", {"pin": "000000"}).status_code == 429


def test_joining_sets_the_players_cookie_and_a_reload_keeps_the_player(client):
    contest = make_contest()
    response = client.post(join_url(contest), {"nickname": "小王", "phone": ""})

    assert response.status_code == 302
    cookie = response.cookies[PLAYER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    game = client.get(join_url(contest)).content.decode()
    assert 'id="contest-play"' in game and "小王" in game
    # Joining again from the same browser gives the same player back.
    client.post(join_url(contest), {"nickname": "又来了"})
    assert list(contest.players.values_list("nickname", flat=True)) == ["小王"]


def test_bad_nicknames_are_refused_with_a_message_and_kept_in_the_form(client):
    contest = make_contest()
    response = client.post(join_url(contest), {"nickname": "长" * 500})
    assert response.status_code == 400
    page = response.content.decode()
    assert "12" in page and 'aria-invalid="true"' in page
    response = client.post(join_url(contest), {"nickname": "傻逼"})
    assert "换一个" in response.content.decode()
    assert not ContestPlayer.objects.exists()


def test_team_mode_offers_the_townships_of_the_county(client):
    county = CountyFactory()
    township = TownshipFactory(parent=county, name="小营盘镇")
    TownshipFactory(name="别县的镇")
    contest = make_contest(team_mode=Contest.TeamMode.TOWNSHIP, county=county)

    page = client.get(join_url(contest)).content.decode()
    assert "小营盘镇" in page and "别县的镇" not in page
    assert client.post(join_url(contest), {"nickname": "小孙"}).status_code == 400
    client.post(join_url(contest), {"nickname": "小孙", "team": township.pk})
    assert ContestPlayer.objects.get().team_place == township


def test_a_removed_player_gets_the_form_and_a_message(client):
    contest = make_contest()
    client.post(join_url(contest), {"nickname": "捣乱的"})
    player = ContestPlayer.objects.get()
    contests.kick_player(contest_id=contest.pk, player_id=player.pk, actor=None)

    assert 'name="nickname"' in client.get(join_url(contest)).content.decode()
    response = client.post(join_url(contest), {"nickname": "换个名字"})
    assert "移出" in response.content.decode()
    assert contest.players.count() == 1


def test_the_host_screen_is_for_hosts_of_the_county_only(client):
    bole, other = CountyFactory(name="博乐市"), CountyFactory(name="精河县")
    contest = make_contest(county=bole)
    host_url = url("host", contest.pk)

    assert "/admin/login/" in client.get(host_url)["Location"]
    client.force_login(staff_user(roles.EDITOR))
    refused = client.get(host_url)  # Wagtail sends a refusal back to the dashboard
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    client.force_login(staff_user(roles.ORGANISER, county=other))
    assert client.get(host_url).status_code == 404
    client.force_login(staff_user(roles.ORGANISER, county=bole))
    page = client.get(host_url).content.decode()
    assert contest.pin[:3] in page and "<svg" in page
    assert f"/ws/contest/host/{contest.pk}/" in page

    join(contest)
    contests.end_contest(contest_id=contest.pk, actor=None)
    assert client.get(host_url)["Location"] == url("results", contest.pk)


def test_results_page_xlsx_and_the_ledger_button(client):
    contest = make_contest()
    winner = join(contest, "第一名", phone="13912345678").player
    join(contest, "第二名")
    contests.start_contest(contest_id=contest.pk, actor=None)
    contests.submit_answer(player_id=winner.pk, question=1, choice=[1])
    contests.end_contest(contest_id=contest.pk, actor=None)
    client.force_login(staff_user(roles.ORGANISER))

    page = client.get(url("results", contest.pk)).content.decode()
    assert "第一名" in page and "139****5678" in page and "13912345678" not in page

    response = client.get(url("results_xlsx", contest.pk))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:2] == [1, "第一名"] and rows[0][5] == "139****5678"
    assert rows[1][:2] == [2, "第二名"]

    client.post(url("ledger", contest.pk))
    assert Event.objects.filter(source_key=f"quizzes.contest:{contest.pk}").exists()


def test_an_organiser_sets_up_a_contest_from_a_blueprint(client):
    blueprint = small_blueprint(singles=2, multiples=0, true_false=1)
    client.force_login(staff_user(roles.ORGANISER))
    response = client.post(
        url("add"), form_data(title="民法典竞赛", blueprint=blueprint.pk)
    )

    contest = Contest.objects.get(title="民法典竞赛")
    assert response.status_code == 302
    assert response["Location"] == url("results", contest.pk)
    assert contest.paper.blueprint == blueprint and len(contest.pin) == 6
    assert contests.question_count(contest) == 3


def test_an_organiser_sets_up_a_contest_from_chosen_questions(client):
    questions = contest_questions(2)
    client.force_login(staff_user(roles.ORGANISER))
    client.post(url("add"), form_data(title="宪法竞赛", questions=questions))

    contest = Contest.objects.get(title="宪法竞赛")
    assert [item.question_id for item in contest.paper.items.order_by("position")] == [
        q.pk for q in questions
    ]


def test_the_form_refuses_two_sources_or_none(client):
    client.force_login(staff_user(roles.ORGANISER))
    both = form_data(
        title="两样都选",
        blueprint=small_blueprint().pk,
        questions=contest_questions(1),
    )
    response = client.post(url("add"), both)
    assert response.status_code == 200
    assert "二选一" in response.content.decode()
    response = client.post(url("add"), form_data(title="都没选"))
    assert "请选择组卷规则" in response.content.decode()
    assert not Contest.objects.exists()


def test_a_started_contest_cannot_be_edited(client):
    contest = make_contest()
    join(contest)
    contests.start_contest(contest_id=contest.pk, actor=None)
    client.force_login(staff_user(roles.ORGANISER))

    response = client.get(url("edit", contest.pk))

    assert response["Location"] == url("results", contest.pk)


def form_data(*, title, blueprint="", questions=()):
    data = {
        "title": title,
        "blueprint": blueprint,
        "seconds_per_question": 20,
        "late_join_until": 2,
        "speed_scoring": "on",
        "streak_bonus": "on",
        "team_mode": "",
        "setting": "in_room",
        "county": "",
        "township": "",
        "venue": "",
        "unit": "",
        "selections-TOTAL_FORMS": len(questions),
        "selections-INITIAL_FORMS": 0,
        "selections-MIN_NUM_FORMS": 0,
        "selections-MAX_NUM_FORMS": 1000,
    }
    for index, question in enumerate(questions):
        data[f"selections-{index}-question"] = question.pk
        data[f"selections-{index}-ORDER"] = index + 1
        data[f"selections-{index}-id"] = ""
    return data
