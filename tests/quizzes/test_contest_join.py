"""Joining a contest with a PIN: bad input and abuse are refused with a clear
message, and the contest is unaffected."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from org.models import Person
from org.services import phone_fields
from quizzes.models import Contest, ContestPlayer
from quizzes.services import contests
from quizzes.services.errors import QuizError
from quizzes.services.nicknames import clean_nickname
from tests.factories import CountyFactory, TownshipFactory, UserFactory
from tests.quizzes.contest_factories import join, make_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def still():
    """Time stands still: the rate limits' fixed windows do not roll over."""
    with time_machine.travel(
        dt.datetime(2026, 3, 9, 10, 0, 5, tzinfo=dt.UTC), tick=False
    ):
        yield


def refused(code, call, *args, **kwargs):
    with pytest.raises(QuizError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    assert str(error.value.message)
    return error.value


def test_a_contest_gets_a_six_digit_pin_and_its_questions():
    contest = make_contest()
    assert len(contest.pin) == 6 and contest.pin.isdigit()
    assert contest.phase == Contest.Phase.LOBBY
    assert contests.question_count(contest) == 3


def test_wrong_pins_are_refused_then_rate_limited_per_address(still):
    contest = make_contest()
    for pin in ("12345", "abcdef", "", "1234567", "１２３４５６"):
        refused("wrong_pin", contests.contest_for_pin, pin=pin, address="1.1.1.1")
    for _ in range(contests.WRONG_PIN_LIMIT.limit - 5):
        refused("wrong_pin", contests.contest_for_pin, pin="000000", address="1.1.1.1")

    # Used up: even the right PIN waits (a guesser cannot tell when it hit).
    error = refused(
        "rate_limited", contests.contest_for_pin, pin=contest.pin, address="1.1.1.1"
    )
    assert "秒" in str(error.message) or "seconds" in str(error.message)
    # Another address, and the contest itself, are unaffected.
    assert contests.contest_for_pin(pin=contest.pin, address="2.2.2.2") == contest


def test_a_right_pin_does_not_count_against_the_address(still):
    contest = make_contest()
    for _ in range(contests.WRONG_PIN_LIMIT.limit + 5):
        contests.contest_for_pin(pin=contest.pin, address="3.3.3.3")


def test_a_flood_of_joins_from_one_address_is_cut_off(still):
    contest = make_contest()
    for n in range(contests.JOIN_LIMIT.limit):
        join(contest, f"玩家{n}", address="9.9.9.9")

    refused("rate_limited", join, contest, "又一个", address="9.9.9.9")
    assert contest.players.count() == contests.JOIN_LIMIT.limit
    join(contest, "别处的人", address="8.8.8.8")


def test_a_500_character_nickname_is_refused_and_nothing_is_saved():
    contest = make_contest()
    error = refused("nickname_too_long", join, contest, "长" * 500)
    assert "12" in str(error.message)
    refused("nickname_missing", join, contest, "   \u200b ")
    assert not contest.players.exists()


@pytest.mark.parametrize(
    "nickname", ["傻逼", "傻 逼", "你是SB", "sb", "Ｆｕｃｋ", "f.u.c.k", "管理员"]
)
def test_abusive_or_reserved_nicknames_are_refused(nickname):
    refused("nickname_refused", join, make_contest(), nickname)


def test_ordinary_nicknames_pass_cleaned():
    assert clean_nickname("  小\u200b王  ") == "小王"
    assert clean_nickname("jsbach") == "jsbach"
    assert clean_nickname("阿依古丽") == "阿依古丽"
    assert clean_nickname("Ａｌｉ") == "Ali"


def test_duplicate_nicknames_are_disambiguated():
    contest = make_contest()
    names = [join(contest, "小王").player.nickname for _ in range(3)]
    assert names == ["小王", "小王(2)", "小王(3)"]
    assert join(contest, "小王(2)").player.nickname == "小王(2)(2)"


def test_a_returning_browser_gets_its_player_back_whatever_it_types():
    contest = make_contest()
    first = join(contest, "小李")
    ContestPlayer.objects.filter(pk=first.player.pk).update(score=1500)

    again = join(contest, "别的名字", token=first.token)

    assert again.player.pk == first.player.pk
    assert again.player.nickname == "小李" and again.player.score == 1500
    assert again.token == ""  # nothing new to store
    assert contest.players.count() == 1
    assert contests.player_for_token(first.token).pk == first.player.pk


def test_a_removed_player_cannot_come_back_with_the_same_browser():
    contest = make_contest()
    joined = join(contest, "捣乱的")
    host = UserFactory(is_superuser=True)
    contests.kick_player(contest_id=contest.pk, player_id=joined.player.pk, actor=host)

    refused("removed", join, contest, "捣乱的", token=joined.token)


def test_late_joiners_may_enter_until_the_configured_question():
    contest = make_contest(late_join_until=1)
    join(contest, "早到的")
    contests.start_contest(contest_id=contest.pk, actor=None)
    join(contest, "迟到的")  # question 1 is open: still allowed

    Contest.objects.filter(pk=contest.pk).update(current=2)
    refused("too_late_to_join", join, contest, "太晚的")
    assert contest.players.count() == 2


def test_an_ended_contest_takes_nobody():
    contest = make_contest()
    join(contest)
    contests.end_contest(contest_id=contest.pk, actor=None)
    refused("wrong_pin", join, contest, "小张")


def test_a_phone_number_makes_the_player_a_person_kept_as_a_hash():
    contest = make_contest()
    joined = join(contest, "小赵", phone="139 1234 5678")

    person = joined.player.person
    assert person.phone_hash == phone_fields("13912345678")["phone_hash"]
    assert person.phone_masked == "139****5678"
    assert "13912345678" not in str(Person.objects.values().get(pk=person.pk))
    refused("phone_taken", join, contest, "小赵的另一台", phone="13912345678")
    refused("invalid_phone", join, contest, "小钱", phone="12345")
    assert contest.players.count() == 1


def test_team_mode_needs_a_team_of_the_contest_county():
    county = CountyFactory()
    mine, other = TownshipFactory(parent=county), TownshipFactory()
    contest = make_contest(team_mode=Contest.TeamMode.TOWNSHIP, county=county)

    refused("team_missing", join, contest, "小孙")
    refused("team_missing", join, contest, "小孙", team_id=other.pk)
    refused("team_missing", join, contest, "小孙", team_id="x")
    assert join(contest, "小孙", team_id=mine.pk).player.team_place == mine


def test_only_hosts_in_scope_may_run_a_contest():
    county = CountyFactory()
    contest = make_contest(county=county)
    join(contest)
    for user in (AnonymousUser(), UserFactory()):
        refused(
            "forbidden",
            contests.host_action,
            contest_id=contest.pk,
            actor=user,
            action="start",
        )
    assert Contest.objects.get(pk=contest.pk).phase == Contest.Phase.LOBBY
