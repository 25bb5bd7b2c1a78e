"""Playing a contest through its services: the server's clock, one answer per
player per question, scoring by the documented formula, the host's controls."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from quizzes.models import Contest, ContestAction, ContestAnswer, ContestPlayer
from quizzes.services import contests
from quizzes.services.errors import QuizError
from tests.factories import CountyFactory, TownshipFactory, UserFactory
from tests.quizzes.contest_factories import (
    contest_questions,
    join,
    make_contest,
    multiple_choice,
)

pytestmark = pytest.mark.django_db

RIGHT, WRONG = [1], [0]
START = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)


def refused(code, call, **kwargs):
    with pytest.raises(QuizError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.message
    return error.value


def answer(player, question, choice):
    return contests.submit_answer(player_id=player.pk, question=question, choice=choice)


def kahoot(elapsed, seconds=20):
    """The reference formula, independently: round(1000 × (1 − t/(2T)))."""
    return int(1000 * (1 - elapsed / (2 * seconds)) + 0.5)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def started(contest=None, players=("甲", "乙"), **settings):
    contest = contest or make_contest(**settings)
    joined = [join(contest, name).player for name in players]
    contests.start_contest(contest_id=contest.pk, actor=None)
    return Contest.objects.get(pk=contest.pk), joined


def score(player):
    return ContestPlayer.objects.get(pk=player.pk).score


def test_faster_right_answers_score_more_by_the_formula(clock):
    contest, (fast, slow, wrong) = started(players=("快", "慢", "错"))
    assert contest.question_deadline == START + dt.timedelta(seconds=20)

    answer(fast, 1, RIGHT)
    clock.shift(5)
    answer(wrong, 1, WRONG)
    clock.shift(10)  # 15 s in
    answer(slow, 1, RIGHT)

    assert score(fast) == 1000
    assert score(slow) == kahoot(15) == 625
    assert score(wrong) == 0
    saved = ContestAnswer.objects.get(player=slow)
    assert (saved.elapsed_ms, saved.correct, saved.points) == (15000, True, 625)


def test_the_last_moment_scores_half_and_after_it_nothing_is_accepted(clock):
    _contest, (on_time, late) = started()
    clock.shift(20)
    answer(on_time, 1, RIGHT)
    clock.shift(0.001)

    refused(
        "too_late", contests.submit_answer, player_id=late.pk, question=1, choice=RIGHT
    )
    assert score(on_time) == 500
    assert not ContestAnswer.objects.filter(player=late).exists()


def test_speed_scoring_off_gives_every_right_answer_the_same(clock):
    _contest, (early, late) = started(speed_scoring=False, streak_bonus=False)
    answer(early, 1, RIGHT)
    clock.shift(19)
    answer(late, 1, RIGHT)
    assert score(early) == score(late) == 1000


def play_question(contest, *answers):
    """Answer the open question, close it and move on to the next one."""
    for player, choice in answers:
        answer(player, contest.current, choice)
    contests.skip_question(contest_id=contest.pk, actor=None)
    contests.next_step(contest_id=contest.pk, actor=None)  # leaderboard
    contests.next_step(contest_id=contest.pk, actor=None)  # next question or end
    return Contest.objects.get(pk=contest.pk)


def test_a_streak_adds_100_per_right_answer_in_a_row_and_a_miss_breaks_it(clock):
    questions = contest_questions(5, shuffle_options=False)
    contest = make_contest(questions=questions, speed_scoring=False)
    contest, (steady, patchy) = started(contest)

    contest = play_question(contest, (steady, RIGHT), (patchy, RIGHT))
    contest = play_question(contest, (steady, RIGHT), (patchy, WRONG))
    contest = play_question(contest, (steady, RIGHT), (patchy, RIGHT))
    contest = play_question(contest, (steady, RIGHT))  # patchy does not answer
    contest = play_question(contest, (steady, RIGHT), (patchy, RIGHT))

    bonuses = list(
        ContestAnswer.objects.filter(player=steady)
        .order_by("position")
        .values_list("bonus", flat=True)
    )
    assert bonuses == [0, 100, 200, 300, 400]
    assert score(steady) == 5000 + 1000
    assert score(patchy) == 3000  # three streaks of one: no bonus
    assert contest.phase == Contest.Phase.ENDED


def test_the_streak_bonus_stops_at_500_and_can_be_switched_off(clock):
    questions = contest_questions(7, shuffle_options=False)
    on = make_contest(questions=questions, speed_scoring=False)
    on, (player,) = started(on, players=("甲",))
    for _ in range(7):
        on = play_question(on, (player, RIGHT))
    assert (
        ContestAnswer.objects.filter(player=player).order_by("-position")[0].bonus
        == 500
    )

    off = make_contest(questions=questions, speed_scoring=False, streak_bonus=False)
    off, (other,) = started(off, players=("乙",))
    for _ in range(7):
        off = play_question(off, (other, RIGHT))
    assert score(other) == 7000


def test_multiple_choice_is_right_only_with_exactly_the_right_options(clock):
    contest = make_contest(questions=[multiple_choice()], speed_scoring=False)
    contest, (exact, partial, extra) = started(
        contest, players=("全对", "少选", "多选")
    )
    answer(exact, 1, [2, 0])
    answer(partial, 1, [0])
    answer(extra, 1, [0, 1, 2])
    assert [score(p) for p in (exact, partial, extra)] == [1000, 0, 0]


def test_a_double_submit_counts_once(clock):
    _contest, (player, _other) = started()
    first = answer(player, 1, RIGHT)
    clock.shift(3)
    again = answer(player, 1, WRONG)  # a second tap, or the phone resending

    assert first.created and not again.created
    assert again.answer.pk == first.answer.pk and again.answer.choice == RIGHT
    assert ContestAnswer.objects.filter(player=player).count() == 1
    assert score(player) == 1000


def test_answers_for_another_question_or_when_none_is_open_are_refused(clock):
    contest = make_contest()
    player = join(contest).player
    refused(
        "not_open",
        contests.submit_answer,
        player_id=player.pk,
        question=1,
        choice=RIGHT,
    )
    contest, _ = started(contest, players=("乙",))
    for question in (0, 2, 99):
        refused(
            "wrong_question",
            contests.submit_answer,
            player_id=player.pk,
            question=question,
            choice=RIGHT,
        )
    for bad in ([], [7], ["1"], "1", [True], [0, 1], None):
        refused(
            "bad_choice",
            contests.submit_answer,
            player_id=player.pk,
            question=1,
            choice=bad,
        )
    refused(
        "bad_message",
        contests.submit_answer,
        player_id=player.pk,
        question="1",
        choice=RIGHT,
    )
    refused("removed", contests.submit_answer, player_id=-1, question=1, choice=RIGHT)
    assert not ContestAnswer.objects.exists()


def test_a_pause_stops_the_clock_and_does_not_count_as_thinking_time(clock):
    contest, (player, _other) = started()
    clock.shift(4)
    contests.pause_question(contest_id=contest.pk, actor=None)
    refused(
        "paused", contests.submit_answer, player_id=player.pk, question=1, choice=RIGHT
    )
    clock.shift(60)
    assert contests.close_question_if_due(contest_id=contest.pk) is None

    contests.resume_question(contest_id=contest.pk, actor=None)
    contest.refresh_from_db()
    assert contest.question_deadline == START + dt.timedelta(seconds=60 + 20)
    clock.shift(6)
    answer(player, 1, RIGHT)
    assert ContestAnswer.objects.get(player=player).elapsed_ms == 10_000
    assert score(player) == kahoot(10)


def test_the_question_closes_once_when_its_deadline_passes(clock):
    contest, (player, other) = started()
    answer(player, 1, RIGHT)
    assert contests.close_question_if_due(contest_id=contest.pk) is None  # not due

    clock.shift(20.5)
    closed = contests.close_question_if_due(contest_id=contest.pk)
    assert contests.close_question_if_due(contest_id=contest.pk) is None
    assert contests.close_due_questions() == []

    reveal = closed.host[0]
    assert reveal["type"] == "contest.reveal"
    assert reveal["correct"] == [1]
    assert reveal["counts"] == [0, 1, 0, 0]
    assert (reveal["answered"], reveal["players"]) == (1, 2)
    assert reveal["leaderboard"][0]["nickname"] == player.nickname
    assert reveal["explanation"]
    refused(
        "too_late", contests.submit_answer, player_id=other.pk, question=1, choice=RIGHT
    )
    assert ContestAction.objects.filter(contest=contest, kind="timer").count() == 1


def test_the_sweep_closes_only_overdue_questions(clock):
    due, _ = started()
    fresh = make_contest()
    clock.shift(15)
    fresh, _ = started(fresh, players=("丙",))
    clock.shift(6)

    closed = contests.close_due_questions()

    assert [a.contest_id for a in closed] == [due.pk]
    assert Contest.objects.get(pk=fresh.pk).phase == Contest.Phase.QUESTION


def test_the_answer_count_never_exceeds_the_players(clock):
    contest, players = started(players=[f"玩家{n}" for n in range(5)])
    for player in players:
        for _ in range(3):
            answer(player, 1, RIGHT)
    frame = contests.answers_frame(contest.pk, 1)
    assert (frame["answered"], frame["players"]) == (5, 5)
    reveal = contests.skip_question(contest_id=contest.pk, actor=None).host[0]
    assert sum(reveal["counts"]) == reveal["answered"] == 5


def test_ties_share_a_rank_and_the_standings_tell_each_player_their_result(clock):
    contest, (a, b, c) = started(players=("甲", "乙", "丙"), speed_scoring=False)
    answer(a, 1, RIGHT)
    answer(b, 1, RIGHT)
    answer(c, 1, WRONG)
    announcement = contests.skip_question(contest_id=contest.pk, actor=None)

    board = announcement.host[0]["leaderboard"]
    assert [(row["nickname"], row["rank"]) for row in board] == [
        ("甲", 1),
        ("乙", 1),
        ("丙", 3),
    ]
    standings = announcement.players[1]
    assert standings["type"] == "contest._standings"
    assert standings["by_player"][str(c.pk)] == [0, 3, 0, 0]
    result = contests.result_frame(
        standings["by_player"][str(a.pk)], question=1, players=3
    )
    assert result == {
        "type": "contest.result",
        "question": 1,
        "final": False,
        "score": 1000,
        "rank": 1,
        "players": 3,
        "points": 1000,
        "correct": True,
    }


def test_a_kicked_player_leaves_the_board_and_the_counts(clock):
    contest, (good, rude) = started()
    answer(rude, 1, RIGHT)
    host = UserFactory(is_superuser=True)
    kicked = contests.kick_player(contest_id=contest.pk, player_id=rude.pk, actor=host)

    assert kicked.host == [{"type": "contest.kicked", "player": rude.pk, "players": 1}]
    assert kicked.players == [{"type": "contest._kick", "player": rude.pk}]
    refused(
        "removed", contests.submit_answer, player_id=rude.pk, question=1, choice=RIGHT
    )
    reveal = contests.skip_question(contest_id=contest.pk, actor=host).host[0]
    assert reveal["answered"] == 0 and reveal["players"] == 1
    assert [row["nickname"] for row in reveal["leaderboard"]] == [good.nickname]
    action = ContestAction.objects.get(contest=contest, kind="kick")
    assert action.actor == host and action.detail["player"] == rude.pk


def test_the_host_steps_through_and_a_double_click_is_ignored(clock):
    contest, _players = started()
    refused("question_open", contests.next_step, contest_id=contest.pk, actor=None)
    refused("started", contests.start_contest, contest_id=contest.pk, actor=None)

    contests.skip_question(contest_id=contest.pk, actor=None, expect_question=1)
    stale = contests.skip_question(contest_id=contest.pk, actor=None, expect_question=1)
    assert not stale  # the second click of a double click

    step = contests.next_step(
        contest_id=contest.pk, actor=None, expect_phase="reveal", expect_question=1
    )
    assert step.host[0]["type"] == "contest.leaderboard"
    again = contests.next_step(
        contest_id=contest.pk, actor=None, expect_phase="reveal", expect_question=1
    )
    assert not again
    assert Contest.objects.get(pk=contest.pk).phase == Contest.Phase.LEADERBOARD


def test_next_after_the_deadline_closes_the_question_lazily(clock):
    contest, _players = started()
    clock.shift(21)
    step = contests.next_step(contest_id=contest.pk, actor=None)
    assert step.host[0]["type"] == "contest.reveal"


def test_start_needs_a_player(clock):
    contest = make_contest()
    refused("no_players", contests.start_contest, contest_id=contest.pk, actor=None)


def test_the_question_frame_never_holds_the_key(clock):
    contest, _players = started()
    frame = contests.question_frame(contest)
    assert set(frame) == {
        "type", "question", "total", "kind", "stem", "options", "letters",
        "seconds", "deadline", "remaining_ms", "paused", "server_time",
    }  # fmt: skip
    assert frame["deadline"] == int(
        (START + dt.timedelta(seconds=20)).timestamp() * 1000
    )


def test_team_scores_are_the_mean_of_their_players(clock):
    county = CountyFactory()
    east, west = (
        TownshipFactory(parent=county, name="东镇"),
        TownshipFactory(parent=county, name="西镇"),
    )
    contest = make_contest(
        team_mode=Contest.TeamMode.TOWNSHIP, county=county, speed_scoring=False
    )
    players = [
        join(contest, name, team_id=team.pk).player
        for name, team in (("东一", east), ("东二", east), ("西一", west))
    ]
    contests.start_contest(contest_id=contest.pk, actor=None)
    answer(players[0], 1, RIGHT)
    answer(players[2], 1, RIGHT)
    reveal = contests.skip_question(contest_id=contest.pk, actor=None).host[0]
    assert reveal["teams"] == [
        {"rank": 1, "team": "西镇", "players": 1, "score": 1000},
        {"rank": 2, "team": "东镇", "players": 2, "score": 500},
    ]


def test_the_end_shows_a_podium_and_frees_the_pin(clock):
    contest, (first, _second) = started(speed_scoring=False)
    answer(first, 1, RIGHT)
    ended = contests.end_contest(contest_id=contest.pk, actor=None)

    assert ended.host[0]["type"] == "contest.ended"
    assert [row["nickname"] for row in ended.host[0]["podium"]] == ["甲", "乙"]
    assert ended.players[1]["final"] is True
    contest.refresh_from_db()
    assert contest.phase == Contest.Phase.ENDED and contest.ended_at == timezone.now()
    assert not contests.end_contest(contest_id=contest.pk, actor=None)
