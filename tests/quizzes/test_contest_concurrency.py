"""Answers arriving together (many phones, a phone sending twice) against the
question closing: real threads and real transactions (most telling on
PostgreSQL, where the answers do not queue behind each other)."""

import threading

import pytest
from django.db import connection

from quizzes.models import Contest, ContestAnswer, ContestPlayer
from quizzes.services import contests
from quizzes.services.errors import QuizError
from tests.quizzes.contest_factories import join, make_contest

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(calls):
    """Run the calls at once (released together); their results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # kept for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_many_phones_answering_at_once_and_twice_are_each_counted_once():
    contest = make_contest()
    players = [join(contest, f"玩家{n}").player for n in range(6)]
    contests.start_contest(contest_id=contest.pk, actor=None)

    def answer(player):
        return lambda: contests.submit_answer(
            player_id=player.pk, question=1, choice=[1]
        )

    results = in_threads([answer(p) for p in players for _twice in range(2)])

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sum(r.created for r in results) == 6
    assert ContestAnswer.objects.count() == 6
    for player in ContestPlayer.objects.all():
        answer = player.answers.get()  # exactly one, and the total counts it once
        assert player.score == answer.points + answer.bonus > 0


def test_an_answer_racing_the_close_is_either_in_the_reveal_or_refused():
    contest = make_contest()
    players = [join(contest, f"玩家{n}").player for n in range(4)]
    contests.start_contest(contest_id=contest.pk, actor=None)

    calls = [
        lambda p=p: contests.submit_answer(player_id=p.pk, question=1, choice=[1])
        for p in players
    ]
    calls.append(lambda: contests.skip_question(contest_id=contest.pk, actor=None))
    results = in_threads(calls)

    reveal = results[-1].host[0]
    accepted = [r for r in results[:-1] if not isinstance(r, Exception)]
    refused = [r for r in results[:-1] if isinstance(r, QuizError)]
    assert len(accepted) + len(refused) == 4
    assert {e.code for e in refused} <= {"too_late"}
    # What the reveal counted is exactly what was saved: nothing slipped in after.
    assert reveal["answered"] == len(accepted) == ContestAnswer.objects.count()
    assert Contest.objects.get(pk=contest.pk).phase == Contest.Phase.REVEAL
