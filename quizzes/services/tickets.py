"""Admission tickets (准考证): issuing, revoking and logging in with a ticket code.

A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown
as ``ABCDE-FGHJK``; only its keyed hash is stored. Logging in is rate-limited per
address, so guessing (31^10 codes) is hopeless.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.services import identity_hash
from pufa.ratelimit import RateLimit
from quizzes.models import ProctorAction, Sitting, Ticket
from quizzes.services.errors import QuizError

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
TICKET_LOGIN_LIMIT = RateLimit("ticket-login", limit=10, window=60)


def normalise_code(raw):
    """Upper case, without spaces and dashes; look-alikes read as what they must be."""
    value = "".join(str(raw or "").split()).replace("-", "").upper()
    return value.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_code(code):
    return f"{code[:5]}-{code[5:]}"


def code_hash(code):
    return identity_hash("ticket", normalise_code(code))


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_ticket(*, candidate, actor=None):
    """Issue a ticket for ``candidate``, revoking any valid one. Returns
    ``(ticket, code)``: the code exists only in this return value (print it)."""
    with transaction.atomic():
        _revoke_valid(candidate, actor, ProctorAction.Kind.REISSUE_TICKET)
        code = new_code()
        ticket = Ticket.objects.create(
            candidate=candidate, code_hash=code_hash(code), issued_by=actor
        )
        return ticket, format_code(code)


def issue_tickets(*, sitting, actor=None, only_missing=True):
    """Tickets for the roster: ``[(candidate, code)]``, by default only for
    candidates without a valid ticket."""
    candidates = sitting.candidates.select_related("person__unit", "sitting").order_by(
        "pk"
    )
    if only_missing:
        # Not exclude(tickets__revoked_at__isnull=True): its LEFT JOIN reads a
        # candidate without any ticket as holding one with revoked_at NULL.
        candidates = candidates.exclude(
            pk__in=Ticket.objects.filter(revoked_at__isnull=True).values("candidate_id")
        )
    return [
        (candidate, issue_ticket(candidate=candidate, actor=actor)[1])
        for candidate in candidates
    ]


def _revoke_valid(candidate, actor, kind):
    """Revoke the candidate's valid ticket, if any, logging ``kind``; the count."""
    count = Ticket.objects.filter(candidate=candidate, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        ProctorAction.objects.create(
            sitting_id=candidate.sitting_id,
            candidate=candidate,
            actor=actor,
            kind=kind,
        )
    return count


def revoke_ticket(*, candidate, actor=None):
    with transaction.atomic():
        return _revoke_valid(candidate, actor, ProctorAction.Kind.REVOKE_TICKET)


def login_with_code(*, code, address):
    """The valid ticket with this code (``ticket.candidate`` is who logs in).

    Raises QuizError ``rate_limited`` (too many tries from this address),
    ``bad_code`` (no valid ticket: mistyped, revoked or reissued), ``closed`` (the
    sitting is over).
    """
    if not TICKET_LOGIN_LIMIT.hit(address or "unknown"):
        raise QuizError(
            "rate_limited",
            _("Too many tries. Please wait %(s)d seconds and try again.")
            % {"s": TICKET_LOGIN_LIMIT.retry_after()},
        )
    normalised = normalise_code(code)
    ticket = None
    if len(normalised) == CODE_LENGTH:
        ticket = (
            Ticket.objects.select_related("candidate__sitting", "candidate__person")
            .filter(code_hash=code_hash(normalised), revoked_at__isnull=True)
            .first()
        )
    if ticket is None:
        raise QuizError(
            "bad_code",
            _(
                "This ticket code is not valid. Check the code on your admission "
                "ticket, or ask the proctor for a new ticket."
            ),
        )
    sitting = ticket.candidate.sitting
    if sitting.status == Sitting.Status.CLOSED and not _has_result(ticket.candidate):
        raise QuizError("closed", _("The sitting is closed."))
    Ticket.objects.filter(pk=ticket.pk).update(last_used_at=timezone.now())
    return ticket


def _has_result(candidate):
    return candidate.attempts.exists()


def ticket_refused():
    """The error for a session whose ticket was revoked or reissued."""
    return QuizError(
        "not_logged_in",
        _(
            "Your ticket is no longer valid. Log in again with the code on "
            "your admission ticket, or ask the proctor for a new one."
        ),
    )


def ticket_is_valid(candidate_id, ticket_id):
    """A session holds (candidate, ticket): revoking the ticket ends the session."""
    return Ticket.objects.filter(
        pk=ticket_id, candidate_id=candidate_id, revoked_at__isnull=True
    ).exists()


__all__ = [
    "format_code",
    "issue_ticket",
    "issue_tickets",
    "login_with_code",
    "revoke_ticket",
    "ticket_is_valid",
    "ticket_refused",
]
