"""The candidate's side of the live exam over HTTP: ticket login, the paper page,
and the JSON fallback API used when the socket cannot connect.

The API answers exactly as the socket does (``docs/protocol.md``): both call
``quizzes.services.live``. Views only translate: who is asking (the session's
ticket login), the request body, the service's reply and broadcasts.
"""

import json

from asgiref.sync import async_to_sync
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.fanout import broadcast
from pufa.ratelimit import client_address
from quizzes.exam_session import device_of, log_in, log_out, login_of
from quizzes.services import live
from quizzes.services.errors import QuizError
from quizzes.services.tickets import format_code, login_with_code, normalise_code

# HTTP status of each refusal (the body is the socket's error frame).
ERROR_STATUS = {
    "not_logged_in": 401,
    "forbidden": 403,
    "rate_limited": 429,
    "not_in_progress": 409,
    "past_deadline": 409,
    "taken_over": 409,
    "closed": 409,
    "not_open": 409,
    "no_attempts_left": 409,
}
MAX_BODY_BYTES = 16_384


def send_broadcasts(broadcasts):
    for group, payload in broadcasts:
        async_to_sync(broadcast)(group, payload)


def _login_page(request, *, code="", error=""):
    return render(
        request,
        "quizzes/exam/login.html",
        {"code": code, "error": error},
        status=400 if error else 200,
    )


def _log_in_with(request, code):
    try:
        ticket = login_with_code(code=code, address=client_address(request))
    except QuizError as error:
        shown = (
            format_code(normalise_code(code))
            if len(normalise_code(code)) == 10
            else code
        )
        return _login_page(request, code=shown, error=error.message)
    log_in(request.session, ticket)
    return redirect("exam:paper")


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    """准考证 login: type the code from the admission ticket."""
    if request.method == "POST":
        code = request.POST.get("code", "")[:64]
        if not normalise_code(code):
            return _login_page(
                request, error=_("Enter the code printed on your admission ticket.")
            )
        return _log_in_with(request, code)
    login_ = login_of(request.session)
    if login_ is not None:
        try:
            live.candidate_of(login_)
        except QuizError:
            log_out(request.session)
        else:
            return redirect("exam:paper")
    return _login_page(request)


@never_cache
@require_GET
def ticket_login(request, code):
    """The QR code on the ticket opens this address: the code logs in at once."""
    return _log_in_with(request, code[:64])


@require_POST
def logout(request):
    log_out(request.session)
    return redirect("exam:login")


@never_cache
@require_GET
def paper(request):
    """The exam page: lobby, paper and result are drawn by exam.js from frames."""
    login_ = login_of(request.session)
    if login_ is None:
        return redirect("exam:login")
    try:
        candidate = live.candidate_of(login_)
        first = live.current(login_, claim=False).reply
    except QuizError as error:
        log_out(request.session)
        return _login_page(request, error=error.message)
    return render(
        request,
        "quizzes/exam/paper.html",
        {
            "candidate": candidate,
            "first_frame": first,
            "device": device_of(request.session),
            "socket_path": "/ws/exam/",
            "api": {
                name: reverse(f"exam:api_{name}")
                for name in ("state", "start", "answer", "focus", "submit")
            },
        },
    )


# --- the JSON fallback ------------------------------------------------------


def _error(code, message, status=None, **extra):
    return JsonResponse(
        {"type": "error", "code": code, "message": str(message), **extra},
        status=status or ERROR_STATUS.get(code, 400),
        json_dumps_params={"ensure_ascii": False},
    )


def _body(request):
    if len(request.body) > MAX_BODY_BYTES:
        raise QuizError("too_large", _("The message is too large."))
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise QuizError("bad_json", _("The message is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise QuizError("bad_frame", _("The message must be a JSON object."))
    return body


def _api(function, fields=(), **fixed):
    """A view calling ``function(login, **arguments)``: ``fields`` are read from
    the JSON body by name, ``fixed`` ones are given."""

    @never_cache
    def view(request):
        login_ = login_of(request.session)
        echo = {}
        try:
            arguments = dict(fixed)
            if request.method == "POST":
                body = _body(request)
                if type(body.get("seq")) is int:
                    echo = {"seq": body["seq"]}
                arguments.update({name: body.get(name) for name in fields})
            outcome = function(login_, **arguments)
        except QuizError as error:
            return _error(error.code, error.message, **echo)
        send_broadcasts(outcome.broadcasts)
        return JsonResponse(outcome.reply, json_dumps_params={"ensure_ascii": False})

    return view


api_state = require_GET(_api(live.current, claim=False))
api_start = require_POST(_api(live.start))
api_answer = require_POST(_api(live.answer, fields=("position", "choice", "seq")))
api_focus = require_POST(_api(live.focus, fields=("kind", "at")))
api_submit = require_POST(_api(live.submit))
