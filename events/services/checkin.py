"""QR check-in at an event (after pretix's ``perform_checkin``): one answer of three.

The attendee always learns one of: checked in (now), already checked in (and when),
or refused (and why). The check-in page makes a UUID per check-in; a retry of the
same check-in (a flaky network, a queued offline check-in synced later) finds its
row by that id and gets the same answer, so it counts once.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Attendance, Event
from events.services.errors import EventsError
from events.services.ledger import record_attendance

CHECKED_IN = "checked_in"
ALREADY = "already_checked_in"

# A check-in made offline inside the window may reach the server this long after
# the window closed, and still counts at the time it was made.
OFFLINE_SYNC_GRACE = datetime.timedelta(hours=12)


@dataclass(frozen=True)
class CheckinResult:
    status: str  # CHECKED_IN or ALREADY
    checked_in_at: datetime.datetime
    attendance: Attendance


def _refuse_outside_window(event, at):
    opens, closes = event.checkin_window
    if at < opens:
        raise EventsError(
            "window_not_open",
            _("Check-in opens at %(time)s.")
            % {"time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")},
        )
    if at > closes:
        raise EventsError(
            "window_closed",
            _("Check-in closed at %(time)s.")
            % {"time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")},
        )


def _moment(event, now, client_time):
    """When the check-in happened: the browser's time for a check-in queued offline
    (trusted only within the window, not in the future, and synced soon enough),
    else now."""
    if client_time is None:
        return now
    opens, closes = event.checkin_window
    if opens <= client_time <= min(now, closes) and now <= closes + OFFLINE_SYNC_GRACE:
        return client_time
    return now


def check_in(
    *,
    event,
    full_name,
    phone=None,
    id_number=None,
    client_id,
    client_time=None,
    now=None,
):
    """Check a person in at ``event``, once. Returns ``CheckinResult``.

    ``client_id`` (a UUID made by the page) makes the call idempotent: the same id
    returns the first answer. The same person checking in again (another phone,
    another id) gets ``ALREADY`` with the time of their first check-in. Raises
    EventsError ``client_id_missing``, ``window_not_open``, ``window_closed``,
    ``invalid_phone``, ``invalid_id_number``, ``identity_missing``, ``name_missing``,
    ``identity_conflict``.
    """
    if not client_id:
        raise EventsError("client_id_missing", _("The check-in page sent no id."))
    now = now or timezone.now()
    previous = (
        Attendance.objects.filter(client_id=client_id).select_related("event").first()
    )
    if previous is not None:
        return CheckinResult(CHECKED_IN, previous.recorded_at, previous)
    at = _moment(event, now, client_time)
    _refuse_outside_window(event, at)
    try:
        with transaction.atomic():
            recorded = record_attendance(
                event=event,
                full_name=full_name,
                phone=phone or None,
                id_number=id_number or None,
                client_id=client_id,
                kind=Attendance.Kind.CHECKIN,
                recorded_at=at,
            )
    except IntegrityError:
        # The same client id arrived twice at once: the other request won.
        previous = Attendance.objects.get(client_id=client_id)
        return CheckinResult(CHECKED_IN, previous.recorded_at, previous)
    row = recorded.attendance
    status = CHECKED_IN if recorded.created else ALREADY
    return CheckinResult(status, row.recorded_at, row)


def event_for_code(code):
    """The event a check-in code (from the QR) names; EventsError ``unknown_event``."""
    event = (
        Event.objects.select_related("event_type", "county", "township")
        .filter(checkin_code=code)
        .first()
    )
    if event is None:
        raise EventsError(
            "unknown_event",
            _("This check-in code is not known. Scan the QR code at the event again."),
        )
    return event
