"""The player's pages: /play/ (enter the PIN), /play/<PIN>/ (nickname, optional
phone and team; then the game, which the socket drives).

No account: joining gives the browser a token in the ``pufa_contest`` cookie, by
which the socket and a reload recognise the player (nickname and score kept).
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pufa.ratelimit import client_address
from quizzes.contest_clock import announce
from quizzes.contest_consumers import PLAYER_COOKIE
from quizzes.services import contests
from quizzes.services.errors import QuizError

COOKIE_SECONDS = 24 * 3600
STATUS = {"rate_limited": 429, "wrong_pin": 404}


def _status(error):
    return STATUS.get(error.code, 400)


@never_cache
@require_http_methods(["GET", "POST"])
def play(request):
    """Enter the PIN shown on the screen."""
    pin = (request.POST.get("pin") or request.GET.get("pin") or "").strip()
    if request.method == "GET" and not pin:
        return render(request, "quizzes/contest/pin.html", {})
    try:
        contest = contests.contest_for_pin(pin=pin, address=client_address(request))
    except QuizError as error:
        return render(
            request,
            "quizzes/contest/pin.html",
            {"error": error.message, "pin": pin[:12]},
            status=_status(error),
        )
    return redirect("contest:join", pin=contest.pin)


def _returning_player(request, contest):
    player = contests.player_for_token(
        request.COOKIES.get(PLAYER_COOKIE), contest_id=contest.pk
    )
    return player if player is not None and player.kicked_at is None else None


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, pin):
    """The join form, or the game for a browser that has joined."""
    address = client_address(request)
    try:
        contest = contests.contest_for_pin(pin=pin, address=address)
    except QuizError as error:
        return render(
            request,
            "quizzes/contest/pin.html",
            {"error": error.message},
            status=_status(error),
        )
    player = _returning_player(request, contest)
    if player is not None:
        return render(
            request,
            "quizzes/contest/play.html",
            {"contest": contest, "player": player, "socket_path": "/ws/contest/play/"},
        )
    context = {
        "contest": contest,
        "teams": contests.team_choices(contest),
        "data": request.POST,
    }
    if request.method == "GET":
        return render(request, "quizzes/contest/join.html", context)
    try:
        joined = contests.join_contest(
            pin=pin,
            nickname=request.POST.get("nickname", ""),
            phone=request.POST.get("phone", ""),
            team_id=request.POST.get("team"),
            address=address,
            token=request.COOKIES.get(PLAYER_COOKIE),
        )
    except QuizError as error:
        context["error"] = error.message
        context["error_code"] = error.code
        return render(
            request, "quizzes/contest/join.html", context, status=_status(error)
        )
    _announce_now(joined.announcement)
    response = redirect(reverse("contest:join", args=[contest.pin]))
    if joined.token:
        response.set_cookie(
            PLAYER_COOKIE,
            joined.token,
            max_age=COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _announce_now(announcement):
    """Tell the host screens (a sync view: the fan-out is async)."""
    from asgiref.sync import async_to_sync

    if announcement:
        async_to_sync(announce)(announcement)
