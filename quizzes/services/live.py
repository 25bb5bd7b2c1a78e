"""The live exam as a candidate's client sees it: one function per message.

The candidate socket (``quizzes.consumers.ExamConsumer``) and the HTTP fallback
(``quizzes.candidate_views``) both call these, so both speak the same replies
(``docs/protocol.md``). Each function checks the login first (a revoked ticket
ends the session), calls the exam services, and returns an ``Outcome``: the reply
for the asking client and the broadcasts the caller must send (the proctor board,
the attempt's other sockets). Nothing here talks to the channel layer.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.groups import attempt_group, proctor_group
from quizzes.models import Attempt, Candidate, FocusLoss
from quizzes.services import exams
from quizzes.services.errors import QuizError
from quizzes.services.review import attempt_state, epoch_ms, review
from quizzes.services.tickets import ticket_is_valid, ticket_refused

# Limits that keep hostile numbers away from the database's integer columns.
MAX_SEQ = 2**53 - 1  # the largest integer a JavaScript client counts exactly
MAX_POSITION = 10_000
MAX_CHOICES = 26


@dataclass(frozen=True)
class Login:
    """Who a session or socket speaks for (set at ticket login)."""

    candidate_id: int
    ticket_id: int
    device: str


@dataclass
class Outcome:
    reply: dict
    # (group, payload) pairs to broadcast, in order, after the reply.
    broadcasts: list = field(default_factory=list)


def check_login(login):
    """Raises QuizError ``not_logged_in`` when nobody is logged in or the ticket
    was revoked or reissued (the session ends with it)."""
    if login is None or not ticket_is_valid(login.candidate_id, login.ticket_id):
        raise ticket_refused()


def candidate_of(login):
    """The logged-in candidate (see ``check_login``)."""
    check_login(login)
    return Candidate.objects.select_related("sitting", "person__unit").get(
        pk=login.candidate_id
    )


def _attempts_left(candidate):
    return max(candidate.attempts_allowed - candidate.attempts.count(), 0)


def lobby_frame(candidate):
    """Before an attempt: the sitting, its window and whether starting is possible."""
    sitting = candidate.sitting
    now = timezone.now()
    attempts_left = _attempts_left(candidate)
    if sitting.is_over:
        waiting = "closed"
    elif not exams.sitting_is_running(sitting, now):
        waiting = "not_open"
    elif not attempts_left:
        waiting = "no_attempts_left"
    else:
        waiting = ""
    return {
        "type": "lobby",
        "sitting": {
            "name": sitting.name,
            "status": sitting.status,
            "opens_at": epoch_ms(sitting.opens_at),
            "closes_at": epoch_ms(sitting.closes_at),
            "duration_minutes": sitting.duration_minutes + candidate.extra_minutes,
        },
        "candidate": {"name": candidate.person.full_name},
        "attempts_allowed": candidate.attempts_allowed,
        "attempts_left": attempts_left,
        "can_start": not waiting,
        "waiting": waiting,
        "server_time": epoch_ms(now),
    }


def state_frame(attempt):
    return {"type": "state", **attempt_state(attempt)}


def result_frame(attempt, candidate):
    """The review the options allow now, and whether another attempt may start."""
    can_retake = bool(_attempts_left(candidate)) and exams.sitting_is_running(
        candidate.sitting
    )
    return {"type": "result", **review(attempt), "retake": can_retake}


def _running_attempt(candidate):
    return (
        Attempt.objects.select_related("candidate__sitting", "paper")
        .filter(candidate=candidate, status=Attempt.Status.IN_PROGRESS)
        .first()
    )


def _row_event(candidate, event, **fields):
    return _row_event_of(candidate.sitting_id, candidate.pk, event, **fields)


def _row_event_of(sitting_id, candidate_id, event, **fields):
    """A change of one roster row, for the sitting's proctor boards."""
    return (
        proctor_group(sitting_id),
        {"type": "candidate", "candidate": candidate_id, "event": event, **fields},
    )


def _claim(candidate, attempt, device):
    """Make ``device`` the attempt's holder; tell the previous holder it lost it."""
    previous = attempt.device
    attempt = exams.start_attempt(candidate=candidate, device=device)
    broadcasts = []
    if previous and device and previous != device:
        broadcasts = [
            (attempt_group(attempt.pk), {"type": "takeover", "device": device}),
            _row_event(candidate, "takeover"),
        ]
    return attempt, broadcasts


def current(login, *, claim):
    """What the client shows now: ``state`` of the attempt in progress, else the
    ``result`` of the latest attempt, else the ``lobby``. With ``claim`` (a socket
    opening, or the HTTP start) this device becomes the attempt's holder."""
    candidate = candidate_of(login)
    attempt = _running_attempt(candidate)
    if attempt is not None:
        broadcasts = []
        if claim:
            attempt, broadcasts = _claim(candidate, attempt, login.device)
        exams.paper_shape(attempt.paper_id)  # for the answers to come, here
        return Outcome(state_frame(attempt), broadcasts)
    latest = exams.current_attempt(candidate)
    if latest is not None:
        return Outcome(result_frame(latest, candidate))
    return Outcome(lobby_frame(candidate))


def attempt_id_of(login):
    """The id of the candidate's latest attempt (its broadcast group), or None."""
    return (
        Attempt.objects.filter(candidate_id=login.candidate_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )


def start(login):
    """Start the next attempt, or resume (and claim) the one in progress."""
    candidate = candidate_of(login)
    attempt = _running_attempt(candidate)
    if attempt is not None:
        attempt, broadcasts = _claim(candidate, attempt, login.device)
        exams.paper_shape(attempt.paper_id)  # for the answers to come, here
        return Outcome(state_frame(attempt), broadcasts)
    attempt = exams.start_attempt(candidate=candidate, device=login.device)
    exams.paper_shape(attempt.paper_id)
    state = state_frame(attempt)
    return Outcome(
        state,
        [
            _row_event(
                candidate,
                "start",
                status=attempt.status,
                attempt=attempt.pk,
                deadline=epoch_ms(attempt.deadline),
                answered=attempt.answered_count,
                total=len(state["paper"]["questions"]),
                focus_losses=0,
            )
        ],
    )


def _int_in(value, low, high):
    return type(value) is int and low <= value <= high


def answer_frame_ok(*, position, choice, seq):
    """Whether an answer message has the shape the protocol allows."""
    return (
        _int_in(seq, 1, MAX_SEQ)
        and _int_in(position, 1, MAX_POSITION)
        and isinstance(choice, list)
        and len(choice) <= MAX_CHOICES
    )


def answer(login, *, position, choice, seq):
    """Save one answer; the reply ``ack`` is sent only once it is saved (a resend
    of a saved ``seq`` is acknowledged again and changes nothing). Raises QuizError
    (``bad_message``, ``bad_position``, ``bad_choice``, ``not_in_progress``,
    ``past_deadline``, ``taken_over``, ``not_logged_in``)."""
    if not answer_frame_ok(position=position, choice=choice, seq=seq):
        raise QuizError("bad_message", _("The answer message is incomplete."))
    if login is None:
        raise ticket_refused()
    saved = exams.save_candidate_answer(
        candidate_id=login.candidate_id,
        ticket_id=login.ticket_id,
        device=login.device,
        position=position,
        choice=choice,
        client_seq=seq,
    )
    return answer_outcome(saved, position=position, seq=seq)


def answer_outcome(saved, *, position, seq):
    """The ack of a saved answer, and the board's row change when it counts."""
    broadcasts = []
    if saved.changed and saved.answered_count != saved.answered_before:
        broadcasts.append(
            _row_event_of(
                saved.sitting_id,
                saved.candidate_id,
                "answer",
                answered=saved.answered_count,
            )
        )
    return Outcome({"type": "ack", "seq": seq, "position": position}, broadcasts)


def _submitted_broadcasts(candidate, attempt):
    return [
        (attempt_group(attempt.pk), {"type": "submitted", "by": attempt.submitted_by}),
        _row_event(
            candidate,
            "submit",
            status=attempt.status,
            submitted_by=attempt.submitted_by,
        ),
    ]


def _client_moment(at):
    """The device's clock (ms since the epoch) as a datetime, if it is plausible."""
    if type(at) is not int or not 0 < at < 2**45:
        return None
    return dt.datetime.fromtimestamp(at / 1000, tz=dt.UTC)


def focus(login, *, kind, at=None):
    """Log leaving the page (防切屏). Replies ``focus_noted``, or ``warning`` when
    the next leave submits the paper, or ``result`` when this one did."""
    if kind not in FocusLoss.Kind.values:
        raise QuizError("bad_message", _("Unknown kind of leaving the page."))
    candidate = candidate_of(login)
    attempt = _running_attempt(candidate)
    if attempt is None:
        raise QuizError(
            "not_in_progress", _("This paper has been submitted; it is closed.")
        )
    attempt, warn = exams.record_focus_loss(
        attempt_id=attempt.pk, kind=kind, client_at=_client_moment(at)
    )
    broadcasts = [_row_event(candidate, "focus", focus_losses=attempt.focus_losses)]
    if attempt.status != Attempt.Status.IN_PROGRESS:
        broadcasts += _submitted_broadcasts(candidate, attempt)
        return Outcome(result_frame(attempt, candidate), broadcasts)
    limit = candidate.sitting.focus_loss_limit
    details = {"focus_losses": attempt.focus_losses, "focus_loss_limit": limit}
    if warn:
        reply = {"type": "warning", "code": "focus_limit_next", **details}
    else:
        reply = {"type": "focus_noted", **details}
    return Outcome(reply, broadcasts)


def submit(login):
    """Submit the paper (idempotent: a submitted paper replies its result)."""
    candidate = candidate_of(login)
    attempt = _running_attempt(candidate)
    if attempt is None:
        latest = exams.current_attempt(candidate)
        if latest is None:
            raise QuizError("no_attempt", _("You have not started the paper yet."))
        return Outcome(result_frame(latest, candidate))
    attempt = exams.submit_attempt(
        attempt_id=attempt.pk, by=Attempt.SubmittedBy.CANDIDATE
    )
    return Outcome(
        result_frame(attempt, candidate), _submitted_broadcasts(candidate, attempt)
    )


def sitting_id_of(login):
    return Candidate.objects.values_list("sitting_id", flat=True).get(
        pk=login.candidate_id
    )
