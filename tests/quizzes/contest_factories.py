"""Contests ready to play: a few active questions, a contest in the lobby, players.
Defaults only; tests say what matters to them."""

import itertools

from quizzes.models import QuestionKind
from quizzes.services import contests
from tests.quizzes.factories import make_question

_addresses = itertools.count(1)


def contest_questions(count=3, **fields):
    """``count`` active single-choice questions whose right option is 乙 (index 1)."""
    return [make_question(**fields) for _ in range(count)]


def make_contest(*, questions=None, title="宪法知识竞赛", **settings):
    """A contest in the lobby with three single-choice questions (or those given),
    options in their authored order (so the key is index 1)."""
    if questions is None:
        questions = contest_questions(3, shuffle_options=False)
    return contests.create_contest(title=title, questions=questions, **settings)


def join(contest, nickname="小王", *, address=None, **fields):
    """Join as a new phone (its own address unless given): returns ``Joined``."""
    address = address or f"10.0.{next(_addresses) % 250}.{next(_addresses) % 250}"
    return contests.join_contest(
        pin=contest.pin, nickname=nickname, address=address, **fields
    )


def multiple_choice(**fields):
    return make_question(
        kind=QuestionKind.MULTIPLE, keys=[0, 2], shuffle_options=False, **fields
    )
