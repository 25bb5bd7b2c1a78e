"""The reach ledger's rules. Other apps call these (and nothing else of events):

    record_event(source_key=…, event_type=…, title=…, starts_at=…, …)
        -> (Event, created)
    record_attendance(event=…, person=… | full_name=…, phone=…/id_number=…,
                      source_key=…) -> Recorded(attendance, created)
    record_headcount(event=…, count=…, source_key=…) -> Recorded(attendance, created)

See docs/data.md, "Recording reach from other apps".
"""

from events.services.checkin import check_in
from events.services.errors import EventsError
from events.services.ledger import (
    Recorded,
    correct_attendance,
    record_attendance,
    record_event,
    record_headcount,
)
from events.services.tally import ReachFilter, breakdown, totals

__all__ = [
    "EventsError",
    "ReachFilter",
    "Recorded",
    "breakdown",
    "check_in",
    "correct_attendance",
    "record_attendance",
    "record_event",
    "record_headcount",
    "totals",
]
