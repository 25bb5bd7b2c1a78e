"""Set up a contest in the lobby with many players, for benchmarks and tests that
run a real server. Run with the server's environment (``LiveSite.run_module``):

    python -m tests.support.contest_setup PLAYERS [QUESTIONS [SECONDS]]
        prints JSON: the contest's id and PIN, one browser token per player (made as
        joining makes them: the join page's rate limit would stop a crowd from one
        address) and a host's session cookie
    python -m tests.support.contest_setup dump CONTEST
        prints JSON: the players' scores, the answers per question, and every
        answer (nickname, question, right?, ms taken, points, streak bonus)
"""

import json
import secrets
import sys

from tests.support.exam_setup import setup_django


def create(players, questions=3, seconds=20):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from quizzes.models import ContestPlayer
    from quizzes.services.contests import token_hash
    from tests.quizzes.contest_factories import contest_questions, make_contest

    contest = make_contest(
        questions=contest_questions(questions, shuffle_options=False),
        seconds_per_question=seconds,
        late_join_until=0,
    )
    tokens = [secrets.token_urlsafe(24) for _ in range(players)]
    ContestPlayer.objects.bulk_create(
        ContestPlayer(
            contest=contest, nickname=f"选手{n:04d}", token_hash=token_hash(t)
        )
        for n, t in enumerate(tokens)
    )
    host = get_user_model().objects.create_superuser(
        f"host{contest.pk}", password=secrets.token_urlsafe(12)
    )
    client = Client()
    client.force_login(host)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "contest": contest.pk,
        "pin": contest.pin,
        "tokens": tokens,
        "host_cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
    }


def dump(contest_id):
    from django.db.models import Count

    from quizzes.models import Contest, ContestAnswer, ContestPlayer

    answers = ContestAnswer.objects.filter(contest_id=contest_id)
    return {
        "seconds": Contest.objects.get(pk=contest_id).seconds_per_question,
        "scores": dict(
            ContestPlayer.objects.filter(contest_id=contest_id).values_list(
                "nickname", "score"
            )
        ),
        "answers": {
            str(row["position"]): row["n"]
            for row in answers.values("position").annotate(n=Count("pk"))
        },
        "detail": [
            list(row)
            for row in answers.order_by("player__nickname", "position").values_list(
                "player__nickname",
                "position",
                "correct",
                "elapsed_ms",
                "points",
                "bonus",
            )
        ],
    }


if __name__ == "__main__":
    setup_django()
    if sys.argv[1] == "dump":
        print(json.dumps(dump(int(sys.argv[2])), ensure_ascii=False))
    else:
        print(json.dumps(create(*(int(a) for a in sys.argv[1:]))))
