"""Public pages of the reach ledger: QR check-in, and the summary of figures.

The summary shows aggregates only. The check-in page answers one of three things:
checked in, already checked in (when), or refused (why).
"""

import json
import re
import unicodedata
import uuid

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events.forms import DashboardFilterForm
from events.services import charts
from events.services.checkin import ALREADY, CHECKED_IN, check_in, event_for_code
from events.services.errors import EventsError
from events.services.tally import (
    DIMENSIONS,
    ReachFilter,
    breakdown,
    default_year,
    totals,
)

# Check-ins per client address per minute. A village hall behind one NAT address
# still fits (a crowd checks in over several minutes); a script does not.
CHECKINS_PER_MINUTE = 60
PUBLIC_DIMENSIONS = ("county", "type", "month", "platform")
SUMMARY_CACHE_SECONDS = 300


def _rate_limited(request):
    minute = int(timezone.now().timestamp() // 60)
    key = f"events:checkin-rate:{request.META.get('REMOTE_ADDR', '')}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > CHECKINS_PER_MINUTE


def _identity_fields(raw):
    """Split the one "phone or ID number" box: 18 characters ending in a digit or X
    are an identity number, anything else is tried as a phone number."""
    value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).upper()
    if len(value) in (15, 18) and re.fullmatch(r"\d{14,17}[\dX]", value):
        return {"id_number": value}
    return {"phone": value}


def _answer(status, message, at=None):
    return {
        "status": status,
        "message": message,
        "at": at.isoformat() if at else None,
        "at_display": timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "",
    }


def _perform(request, event, data):
    if not (data.get("identity") or "").strip():
        raise EventsError(
            "identity_missing",
            _("Enter your phone number or identity number."),
        )
    try:
        client_id = uuid.UUID(str(data.get("client_id", "")))
    except ValueError as error:
        raise EventsError(
            "client_id_missing", _("Reload the page and try again.")
        ) from error
    client_time = parse_datetime(str(data.get("client_time") or "")) or None
    result = check_in(
        event=event,
        full_name=data.get("full_name", ""),
        client_id=client_id,
        client_time=client_time,
        **_identity_fields(data.get("identity", "")),
    )
    if result.status == CHECKED_IN:
        return _answer(CHECKED_IN, _("Checked in. Thank you!"), result.checked_in_at)
    return _answer(
        ALREADY,
        _("You were already checked in at %(time)s.")
        % {"time": timezone.localtime(result.checked_in_at).strftime("%H:%M")},
        result.checked_in_at,
    )


# The sync of a check-in queued offline may come hours later, after the CSRF cookie
# changed; the endpoint needs no session and changes nothing but this attendee's own
# check-in, so it is exempt, and rate-limited instead.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request, code):
    """The check-in page (GET) and its answer (POST: JSON from the page's script,
    or an ordinary form post without JavaScript)."""
    wants_json = request.content_type == "application/json"
    try:
        event = event_for_code(code)
    except EventsError as error:
        if wants_json:
            return JsonResponse(_answer("refused", str(error.message)), status=404)
        return render(
            request, "events/checkin.html", {"unknown": error.message}, status=404
        )
    opens, closes = event.checkin_window
    context = {"event": event, "opens": opens, "closes": closes}
    if request.method == "GET":
        context["client_id"] = uuid.uuid4()
        return render(request, "events/checkin.html", context)

    if _rate_limited(request):
        answer = _answer("retry", _("Too many check-ins from here; wait a minute."))
        if wants_json:
            return JsonResponse(answer, status=429)
        context.update(answer=answer, client_id=uuid.uuid4())
        return render(request, "events/checkin.html", context, status=429)
    if wants_json:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
    else:
        data = request.POST
    try:
        answer = _perform(request, event, data)
        status = 200
    except EventsError as error:
        answer = _answer("refused", str(error.message))
        status = 400
    if wants_json:
        return JsonResponse(answer, status=status)
    context.update(answer=answer, client_id=uuid.uuid4(), data=data)
    return render(request, "events/checkin.html", context, status=status)


def reach_summary(request):
    """Public figures: totals and breakdowns by county, type, month and platform."""
    years = range(2021, timezone.localdate().year + 1)  # 八五普法 began in 2021
    form = DashboardFilterForm(request.GET or None, years=years, public=True)
    data = form.cleaned_data if form.is_valid() else {}
    county = data.get("county")
    reach_filter = ReachFilter(
        year=data.get("year") or default_year(),
        month=data.get("month") or None,
        county_id=county if county not in ("", None) else None,
        event_type_id=data["event_type"].pk if data.get("event_type") else None,
        platform=data.get("platform") or None,
    )
    key = "events:summary:" + ":".join(
        str(v)
        for v in (
            get_language(),
            reach_filter.year,
            reach_filter.month,
            reach_filter.county_id,
            reach_filter.event_type_id,
            reach_filter.platform,
        )
    )
    figures = cache.get(key)
    if figures is None:
        figures = {
            "total": totals(reach_filter),
            "sections": [
                (dimension, breakdown(reach_filter, dimension))
                for dimension in PUBLIC_DIMENSIONS
            ],
        }
        cache.set(key, figures, SUMMARY_CACHE_SECONDS)
    sections = [
        {
            "dimension": dimension,
            "label": DIMENSIONS[dimension],
            "lines": lines,
            "chart": charts.bar_chart(
                lines,
                title=_("Person-times (人次) and persons (人) by %(dim)s")
                % {"dim": DIMENSIONS[dimension]},
                second=lambda f: f.persons,
            ),
        }
        for dimension, lines in figures["sections"]
    ]
    return render(
        request,
        "events/reach_summary.html",
        {
            "form": form,
            "total": figures["total"],
            "sections": sections,
            "reach_filter": reach_filter,
        },
    )
