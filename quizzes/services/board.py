"""The proctor board (监考台): the live roster of a sitting and the proctor's
actions on it.

Each action checks that the user may proctor the sitting (and that the candidate
is on its roster), calls the exam service that does it and logs the
``ProctorAction``, and returns an ``Outcome`` whose broadcasts tell the candidates'
sockets and every board of the sitting. Views send them; nothing here talks to the
channel layer.
"""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes import presence
from quizzes.groups import attempt_group, proctor_group, sitting_group
from quizzes.models import Attempt, Candidate, PaperQuestion, Sitting
from quizzes.services import exams, tickets
from quizzes.services.errors import QuizError
from quizzes.services.live import Outcome
from quizzes.services.review import epoch_ms, notice_frame

LOG_LENGTH = 50
NOT_STARTED = "not_started"


def _ms(moment):
    return epoch_ms(moment) if moment else None


def roster_rows(sitting):
    """One row per candidate: who, online or not, and their latest attempt."""
    candidates = list(
        sitting.candidates.select_related("person__unit").order_by(
            "person__unit__name", "person__full_name", "pk"
        )
    )
    latest = {}
    for attempt in Attempt.objects.filter(candidate__sitting=sitting).order_by(
        "candidate_id", "number"
    ):
        latest[attempt.candidate_id] = attempt  # the highest number wins
    questions = dict(
        PaperQuestion.objects.filter(paper__attempt__in=latest.values())
        .values_list("paper_id")
        .annotate(n=Count("pk"))
    )
    online = presence.online([c.pk for c in candidates])
    rows = []
    for candidate in candidates:
        attempt = latest.get(candidate.pk)
        unit = candidate.person.unit
        rows.append(
            {
                "candidate": candidate.pk,
                "name": candidate.person.full_name,
                "unit": unit.name if unit else "",
                "online": candidate.pk in online,
                "attempt": attempt.pk if attempt else None,
                "attempt_number": attempt.number if attempt else 0,
                "status": attempt.status if attempt else NOT_STARTED,
                "submitted_by": attempt.submitted_by if attempt else "",
                "answered": attempt.answered_count if attempt else 0,
                "total": questions.get(attempt.paper_id, 0) if attempt else 0,
                "focus_losses": attempt.focus_losses if attempt else 0,
                "deadline": _ms(attempt.deadline) if attempt else None,
            }
        )
    return rows


def _who(user):
    if user is None:
        return str(_("System"))
    return user.get_full_name() or user.get_username()


def action_log(sitting, limit=LOG_LENGTH):
    """The latest proctor actions, newest first."""
    entries = []
    for action in sitting.actions.select_related("actor", "candidate__person")[:limit]:
        detail = action.detail or {}
        entries.append(
            {
                "at": epoch_ms(action.at),
                "kind": action.kind,
                "label": str(action.get_kind_display()),
                "actor": _who(action.actor),
                "candidate": (
                    action.candidate.person.full_name if action.candidate else ""
                ),
                "detail": detail.get("text")
                or (
                    str(_("%(n)d minutes") % {"n": detail["minutes"]})
                    if "minutes" in detail
                    else ""
                ),
            }
        )
    return entries


def roster_frame(sitting):
    sitting.refresh_from_db()
    return {
        "type": "roster",
        "sitting": {
            "id": sitting.pk,
            "name": sitting.name,
            "status": sitting.status,
            "status_label": str(sitting.get_status_display()),
            "opens_at": epoch_ms(sitting.opens_at),
            "closes_at": epoch_ms(sitting.closes_at),
            "duration_minutes": sitting.duration_minutes,
        },
        "candidates": roster_rows(sitting),
        "actions": action_log(sitting),
        "server_time": epoch_ms(timezone.now()),
    }


def roster_for(user, sitting_id):
    """The roster frame, or None when ``user`` may not proctor the sitting."""
    sitting = Sitting.objects.filter(pk=sitting_id).first()
    if sitting is None or not exams.can_proctor(user, sitting):
        return None
    return roster_frame(sitting)


def proctored_sitting(user, sitting_id):
    """The sitting, if ``user`` may proctor it; else QuizError ``forbidden``."""
    sitting = Sitting.objects.filter(pk=sitting_id).first()
    if sitting is None or not exams.can_proctor(user, sitting):
        raise QuizError("forbidden", _("You are not a proctor of this sitting."))
    return sitting


def _candidate(sitting, candidate_id):
    candidate = (
        Candidate.objects.select_related("person", "sitting")
        .filter(pk=candidate_id, sitting=sitting)
        .first()
        if str(candidate_id).isdigit()
        else None
    )
    if candidate is None:
        raise QuizError("no_candidate", _("This candidate is not on the roster."))
    return candidate


def _board_update(sitting):
    return (proctor_group(sitting.pk), roster_frame(sitting))


# Screens that change when the sitting opens or closes (a paper in progress is
# told by its own attempt group).
_LOBBY_REFRESH = {"type": "refresh", "only": ["lobby", "result"]}


def open_sitting(*, user, sitting_id):
    sitting = proctored_sitting(user, sitting_id)
    sitting = exams.open_sitting(sitting=sitting, actor=user)
    return Outcome(
        {"message": str(_("The sitting is open."))},
        [(sitting_group(sitting.pk), _LOBBY_REFRESH), _board_update(sitting)],
    )


def close_sitting(*, user, sitting_id):
    sitting = proctored_sitting(user, sitting_id)
    sitting, submitted = exams.close_sitting(sitting=sitting, actor=user)
    broadcasts = [
        (attempt_group(a.pk), {"type": "submitted", "by": a.submitted_by})
        for a in submitted
    ]
    broadcasts += [(sitting_group(sitting.pk), _LOBBY_REFRESH), _board_update(sitting)]
    return Outcome(
        {
            "message": str(
                _("The sitting is closed; %(n)d papers were submitted.")
                % {"n": len(submitted)}
            )
        },
        broadcasts,
    )


def extend_time(*, user, sitting_id, minutes, candidate_id=None):
    """Extra minutes for one candidate, or for all when ``candidate_id`` is None."""
    sitting = proctored_sitting(user, sitting_id)
    candidate = _candidate(sitting, candidate_id) if candidate_id else None
    moved = exams.extend_time(
        sitting=sitting, minutes=minutes, actor=user, candidate=candidate
    )
    broadcasts = [
        (attempt_group(a.pk), {"type": "deadline", "deadline": epoch_ms(a.deadline)})
        for a in moved
    ]
    return Outcome(
        {"message": str(_("Extra time given."))},
        [*broadcasts, _board_update(sitting)],
    )


def force_submit(*, user, sitting_id, candidate_id):
    sitting = proctored_sitting(user, sitting_id)
    candidate = _candidate(sitting, candidate_id)
    running = candidate.attempts.filter(status=Attempt.Status.IN_PROGRESS).first()
    if running is None:
        raise QuizError(
            "not_in_progress", _("This candidate has no paper in progress.")
        )
    attempt = exams.submit_attempt(
        attempt_id=running.pk, by=Attempt.SubmittedBy.PROCTOR, actor=user
    )
    return Outcome(
        {"message": str(_("The paper was submitted."))},
        [
            (attempt_group(attempt.pk), {"type": "submitted", "by": "proctor"}),
            _board_update(sitting),
        ],
    )


def readmit(*, user, sitting_id, candidate_id):
    sitting = proctored_sitting(user, sitting_id)
    candidate = _candidate(sitting, candidate_id)
    attempt = exams.readmit(candidate=candidate, actor=user)
    return Outcome(
        {"message": str(_("The candidate may continue the paper."))},
        [(attempt_group(attempt.pk), {"type": "refresh"}), _board_update(sitting)],
    )


def reissue_ticket(*, user, sitting_id, candidate_id):
    """A new ticket (the old one stops working at once); the reply carries the
    new code, shown once."""
    sitting = proctored_sitting(user, sitting_id)
    candidate = _candidate(sitting, candidate_id)
    _ticket, code = tickets.issue_ticket(candidate=candidate, actor=user)
    broadcasts = [
        # The candidate's open sockets check their ticket again and close.
        (attempt_group(pk), {"type": "refresh"})
        for pk in candidate.attempts.values_list("pk", flat=True)
    ]
    return Outcome(
        {
            "message": str(
                _("New ticket for %(name)s: %(code)s (the old one no longer works).")
                % {"name": candidate.person.full_name, "code": code}
            ),
            "code": code,
            "candidate": candidate.pk,
        },
        [*broadcasts, _board_update(sitting)],
    )


def send_notice(*, user, sitting_id, text):
    sitting = proctored_sitting(user, sitting_id)
    action = exams.log_notice(sitting=sitting, actor=user, text=text)
    return Outcome(
        {"message": str(_("The notice was sent."))},
        [
            (sitting_group(sitting.pk), notice_frame(action)),
            _board_update(sitting),
        ],
    )
