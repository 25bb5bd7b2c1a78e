"""A candidate's login, kept in the Django session (shared by pages, the HTTP API
and the socket, which reads the same session cookie).

The session holds the candidate, the ticket that let them in and a device id made
at login. Every use checks the ticket again (``quizzes.services.live.candidate_of``):
revoking or reissuing a ticket ends the sessions opened with it.
"""

import re
import secrets

from quizzes.services.live import Login

SESSION_KEY = "pufa_exam_login"
DEVICE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


def log_in(session, ticket):
    """Log ``ticket``'s candidate in; a new session key (no fixation)."""
    session.cycle_key()
    session[SESSION_KEY] = {
        "candidate": ticket.candidate_id,
        "ticket": ticket.pk,
        "device": secrets.token_hex(8),
    }


def log_out(session):
    session.pop(SESSION_KEY, None)


def login_of(session, device=None):
    """The session's ``Login`` (None if nobody is logged in). A well-formed
    ``device`` from the client (one browser tab's id) replaces the session's."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or not all(
        type(data.get(key)) is int for key in ("candidate", "ticket")
    ):
        return None
    if not (device and DEVICE_PATTERN.match(device)):
        device = data.get("device", "")
    return Login(
        candidate_id=data["candidate"], ticket_id=data["ticket"], device=device
    )


def device_of(session):
    data = session.get(SESSION_KEY)
    return data.get("device", "") if isinstance(data, dict) else ""
