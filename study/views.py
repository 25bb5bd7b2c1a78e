"""The cadre's study pages: sign-in, the record, points, practice, the review list,
and the player's listening heartbeats. Rules are in study.services; every view
serves only the cadre signed in (their own rows), and none is cached."""

import functools
import json
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import Law
from study.forms import SignInForm
from study.models import PracticeSession
from study.services.errors import StudyError
from study.services.gate import points_missing
from study.services.identity import sign_in, sign_out, signed_in_cadre
from study.services.listening import record_beat
from study.services.points import number, statement
from study.services.practice import (
    answer_item,
    feedback_for,
    next_unanswered,
    open_review_items,
    practice_laws,
    question_view,
    start_practice,
    start_review,
)
from study.services.record import study_record
from study.services.rules import rule_timeline

MAX_BEAT_BYTES = 1024


def cadre_required(view):
    """Serve the signed-in cadre (``request.cadre``), else send them to sign in."""

    @functools.wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        cadre = signed_in_cadre(request)
        if cadre is None:
            return redirect(f"{reverse('study:sign_in')}?next={request.path}")
        request.cadre = cadre
        return view(request, *args, **kwargs)

    return wrapper


def _year(request):
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year else this_year


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_view(request):
    if request.method == "GET" and signed_in_cadre(request) is not None:
        return redirect(_safe_next(request, reverse("study:home")))
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            sign_in(
                request,
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
            )
        except StudyError as refused:
            error = refused.message
        else:
            return redirect(_safe_next(request, reverse("study:home")))
    return render(
        request,
        "study/sign_in.html",
        {"form": form, "error": error, "next": _safe_next(request, "")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def sign_out_view(request):
    sign_out(request)
    messages.info(request, _("You have signed out of your study record."))
    return redirect("study:sign_in")


def upcoming_requirements(person):
    """Sittings not yet over that need study points: [(sitting, required, missing)]."""
    from quizzes.models import Candidate

    now = timezone.now()
    rows = []
    for candidate in (
        Candidate.objects.filter(
            person=person, sitting__closes_at__gt=now, sitting__min_study_points__gt=0
        )
        .exclude(sitting__status="closed")
        .select_related("sitting")
        .order_by("sitting__opens_at")
    ):
        required = candidate.sitting.min_study_points
        _have, missing = points_missing(person, required)
        rows.append(
            {
                "sitting": candidate.sitting,
                "required": number(required),
                "missing": number(missing),
                "met": missing <= 0,
            }
        )
    return rows


def _column_url():
    from cms.models import ColumnIndexPage

    column = ColumnIndexPage.objects.live().public().first()
    return column.url if column else ""


@cadre_required
@require_GET
def home(request):
    year = _year(request)
    record = study_record(request.cadre, year)
    this_year = timezone.localdate().year
    return render(
        request,
        "study/home.html",
        {
            "cadre": request.cadre,
            "record": record,
            "year": year,
            "points": number(record.statement.total),
            "previous_year": year - 1 if year > 2021 else None,
            "next_year": year + 1 if year < this_year else None,
            "requirements": upcoming_requirements(request.cadre)
            if year == this_year
            else [],
            "column_url": _column_url(),
        },
    )


@cadre_required
@require_GET
def points(request):
    year = _year(request)
    return render(
        request,
        "study/points.html",
        {
            "statement": statement(request.cadre, year),
            "year": year,
        },
    )


@never_cache
@require_GET
def rules(request):
    """The rules of study points, current and past versions (public)."""
    timeline = rule_timeline()
    return render(
        request,
        "study/rules.html",
        {
            "current": timeline.current(),
            "versions": list(reversed(timeline.rule_sets)),
        },
    )


@cadre_required
@require_http_methods(["GET", "POST"])
def practice(request):
    """Choose a law and start (or resume) a practice paper."""
    if request.method == "POST":
        law = Law.objects.filter(pk=request.POST.get("law") or 0).first()
        if law is None:
            messages.error(request, _("Choose a law to practise."))
            return redirect("study:practice")
        try:
            session = start_practice(person=request.cadre, law=law)
        except StudyError as error:
            messages.error(request, error.message)
            return redirect("study:practice")
        return redirect("study:session", pk=session.pk)
    recent = PracticeSession.objects.filter(person=request.cadre).order_by(
        "-started_at"
    )[:10]
    return render(
        request,
        "study/practice.html",
        {
            "laws": practice_laws(),
            "recent": recent,
            "review_open": len(open_review_items(request.cadre)),
        },
    )


def _own_session(request, pk):
    session = PracticeSession.objects.filter(pk=pk, person=request.cadre).first()
    if session is None:
        raise Http404
    return session


def _position(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@cadre_required
@require_http_methods(["GET", "POST"])
def session(request, pk):
    """One question at a time: answer it, see the feedback at once, go on."""
    paper = _own_session(request, pk)
    error = ""
    if request.method == "POST":
        position = _position(request.POST.get("position"))
        try:
            answer_item(
                person=request.cadre,
                session_id=paper.pk,
                position=position,
                choice=request.POST.getlist("choice"),
            )
        except StudyError as refused:
            error = refused.message
        else:
            url = reverse("study:session", args=[paper.pk])
            return redirect(f"{url}?q={position}#feedback")
    else:
        position = _position(request.GET.get("q"))
    items = paper.items.select_related("version")
    item = None
    if position is not None:
        item = items.filter(position=position).first()
    if item is None:
        item = next_unanswered(paper)
    if item is None:
        return _result(request, paper)
    answered = item.answered_at is not None
    following = items.filter(
        answered_at__isnull=True, position__gt=item.position
    ).order_by("position").first() or next_unanswered(paper)
    return render(
        request,
        "study/question.html",
        {
            "paper": paper,
            "item": item,
            "question": question_view(item),
            "feedback": feedback_for(item) if answered else None,
            "next_item": following,
            "error": error,
        },
        status=400 if error else 200,
    )


def _result(request, paper):
    items = list(paper.items.select_related("version").order_by("position"))
    return render(
        request,
        "study/result.html",
        {
            "paper": paper,
            "items": [(item, question_view(item)) for item in items],
            "review_open": len(open_review_items(request.cadre)),
        },
    )


@cadre_required
@require_http_methods(["GET", "POST"])
def review(request):
    """错题本: the questions answered wrong, and a round to replay them."""
    if request.method == "POST":
        try:
            round_ = start_review(person=request.cadre)
        except StudyError as error:
            messages.info(request, error.message)
            return redirect("study:review")
        return redirect("study:session", pk=round_.pk)
    return render(
        request, "study/review.html", {"items": open_review_items(request.cadre)}
    )


@require_POST
def listen(request):
    """The player's heartbeat: POST {"episode", "session", "beat"} (listen.js)."""
    cadre = signed_in_cadre(request)
    if cadre is None:
        return JsonResponse(
            {"code": "not_signed_in", "message": _("Sign in to your study record.")},
            status=401,
        )
    if len(request.body) > MAX_BEAT_BYTES:
        return JsonResponse({"code": "too_large", "message": ""}, status=413)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        payload = {}
    try:
        result = record_beat(
            person=cadre,
            episode_id=payload.get("episode"),
            session_id=payload.get("session"),
            beat=payload.get("beat"),
        )
    except StudyError as error:
        status = 404 if error.code == "no_such_episode" else 400
        return JsonResponse(
            {"code": error.code, "message": str(error.message)}, status=status
        )
    minutes = number(Decimal(result.heard // 6) / 10)
    length = number(Decimal(result.length // 6) / 10)
    return JsonResponse(
        {
            "credited": result.credited,
            "heard": result.heard,
            "length": result.length,
            "message": _(
                "Counted in your study record: %(minutes)s of %(length)s minutes."
            )
            % {"minutes": minutes, "length": length},
        }
    )
