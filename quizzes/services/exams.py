"""The attempt lifecycle and the proctor's actions on a sitting.

not started → in progress (``start_attempt``) → submitted (by the candidate, the
deadline sweeper, the proctor or the leaving-the-page limit: ``submit_attempt``)
→ graded (at once, ``quizzes.services.grading``).

The deadline is the server's: min(start + duration + extra time, window close).
Every function here takes the row locks it needs: two sockets of one candidate, the
sweeper and a proctor may act on one attempt at the same moment.
"""

import datetime as dt
import functools
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import (
    Attempt,
    AttemptAnswer,
    Candidate,
    FocusLoss,
    PaperQuestion,
    ProctorAction,
    QuestionKind,
    ScoreChange,
    Sitting,
    Ticket,
)
from quizzes.services.errors import QuizError
from quizzes.services.grading import grade_attempt
from quizzes.services.papers import draw_paper
from quizzes.services.tickets import ticket_is_valid, ticket_refused

# The sweeper submits an attempt this long after its deadline: answers sent in the
# last second are in by then (answers after the deadline itself are refused).
DEADLINE_GRACE = dt.timedelta(seconds=5)
# A sitting whose window has passed is closed this long after it (the proctor may
# close it earlier).
AUTO_CLOSE_AFTER = dt.timedelta(minutes=10)

# Other apps may refuse a start (e.g. the study-points gate): callables
# ``gate(candidate) -> None`` that raise QuizError. Registered in AppConfig.ready().
START_GATES = []


def register_start_gate(gate):
    if gate not in START_GATES:
        START_GATES.append(gate)
    return gate


def compute_deadline(*, sitting, candidate, started_at):
    own = started_at + dt.timedelta(
        minutes=sitting.duration_minutes + candidate.extra_minutes
    )
    return min(own, sitting.closes_at)


def sitting_is_running(sitting, now=None):
    now = now or timezone.now()
    return (
        sitting.status == Sitting.Status.OPEN
        and sitting.opens_at <= now < sitting.closes_at
    )


def _log(sitting, kind, *, actor=None, candidate=None, **detail):
    return ProctorAction.objects.create(
        sitting=sitting, candidate=candidate, actor=actor, kind=kind, detail=detail
    )


def _locked_attempt(attempt_id):
    try:
        return (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("candidate__sitting", "paper")
            .get(pk=attempt_id)
        )
    except Attempt.DoesNotExist:
        raise QuizError("no_attempt", _("This attempt does not exist.")) from None


def current_attempt(candidate):
    """The candidate's attempt in progress, else their latest, else None."""
    return candidate.attempts.order_by("-number").first()


def start_attempt(*, candidate, device=""):
    """Start the candidate's next attempt, or resume the one in progress.

    Raises QuizError ``not_open`` (the sitting is not running), ``no_attempts_left``,
    or whatever a registered start gate raises. Draws the paper from the blueprint
    of the candidate's post level.
    """
    now = timezone.now()
    with transaction.atomic():
        candidate = (
            Candidate.objects.select_for_update(of=("self",))
            .select_related("sitting", "person")
            .get(pk=candidate.pk)
        )
        sitting = candidate.sitting
        running = candidate.attempts.filter(status=Attempt.Status.IN_PROGRESS).first()
        if running is not None:
            if device and running.device != device:
                running.device = device
                running.save(update_fields=["device"])
            _remember_hint(candidate.pk, running.pk, running.paper_id)
            return running
        if not sitting_is_running(sitting, now):
            if sitting.status == Sitting.Status.DRAFT or now < sitting.opens_at:
                raise QuizError(
                    "not_open",
                    _("The sitting has not opened yet. Please wait for the proctor."),
                )
            raise QuizError("closed", _("The sitting is closed."))
        used = candidate.attempts.count()
        if used >= candidate.attempts_allowed:
            raise QuizError(
                "no_attempts_left",
                _("You have used all %(n)d of your attempts.")
                % {"n": candidate.attempts_allowed},
            )
        for gate in START_GATES:
            gate(candidate)
        blueprint = sitting.blueprint_for(candidate.post_level)
        paper = draw_paper(blueprint=blueprint, candidate=candidate.person)
        attempt = Attempt.objects.create(
            candidate=candidate,
            number=used + 1,
            paper=paper,
            started_at=now,
            deadline=compute_deadline(
                sitting=sitting, candidate=candidate, started_at=now
            ),
            device=device,
        )
        _remember_hint(candidate.pk, attempt.pk, paper.pk)
        return attempt


def _valid_choice(kind, choice, option_count):
    if not isinstance(choice, list) or not all(
        type(i) is int and 0 <= i < option_count for i in choice
    ):
        return None
    choice = sorted(set(choice))
    if kind == QuestionKind.MULTIPLE:
        return choice
    return choice if len(choice) <= 1 else None


def paper_shape(paper_id):
    """{position: (kind, option count)} of a paper, cached (in this process, and
    in the shared cache for the other workers): a drawn paper's questions and
    options never change (a key fix changes keys only), and the answer path needs
    the shape for every message."""
    shape = _local_shapes.get(paper_id)
    if shape is not None:
        return shape
    key = f"quizzes:paper-shape:{paper_id}"
    shape = cache.get(key)
    if shape is None:
        shape = {
            position: (kind, len(options))
            for position, kind, options in PaperQuestion.objects.filter(
                paper_id=paper_id
            ).values_list("position", "version__kind", "version__options")
        }
        cache.set(key, shape, timeout=SHAPE_CACHE_SECONDS)
    if len(_local_shapes) >= MAX_LOCAL_ENTRIES:
        _local_shapes.clear()
    _local_shapes[paper_id] = shape
    return shape


SHAPE_CACHE_SECONDS = 6 * 3600
# What this process keeps for the answer path: paper shapes by paper id, and the
# attempt each candidate answers (``_answer_hints``). Bounded: emptied when full.
_local_shapes = {}
MAX_LOCAL_ENTRIES = 50_000


def _upsert_answer_sql():
    """INSERT or, for a newer sequence number only, UPDATE one answer; RETURNING
    the row when it changed (nothing when the stored message is as new or newer).
    One statement on both PostgreSQL and SQLite (3.35+)."""
    table = connection.ops.quote_name(AttemptAnswer._meta.db_table)
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return (
        f"INSERT INTO {table} (attempt_id, position, choice, client_seq, saved_at) "
        f"VALUES (%s, %s, {json_param}, %s, %s) "
        f"ON CONFLICT (attempt_id, position) DO UPDATE SET "
        f"choice = excluded.choice, client_seq = excluded.client_seq, "
        f"saved_at = excluded.saved_at "
        f"WHERE {table}.client_seq < excluded.client_seq "
        f"RETURNING id"
    )


def _count_answered_sql():
    attempts = connection.ops.quote_name(Attempt._meta.db_table)
    answers = connection.ops.quote_name(AttemptAnswer._meta.db_table)
    empty = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    return (
        f"UPDATE {attempts} SET answered_count = (SELECT COUNT(*) FROM {answers} "
        f"WHERE attempt_id = %s AND client_seq > 0 AND choice <> {empty}) "
        f"WHERE id = %s RETURNING answered_count"
    )


@dataclass
class SavedAnswer:
    """What saving one answer did. ``changed`` is False for a resend (or a message
    older than the stored one): nothing was written. ``answered_before`` and
    ``answered_count`` are the attempt's count of answered questions."""

    answer: AttemptAnswer
    changed: bool
    answered_before: int
    answered_count: int
    candidate_id: int
    sitting_id: int
    paper_id: int


def save_answer(*, attempt_id, position, choice, client_seq, now=None):
    """Persist one answer; idempotent by ``client_seq``.

    Returns ``(answer, changed)``: a resend, or a message older than the stored
    one, changes nothing and returns the stored answer. ``answer.answered_count``
    is the attempt's count of answered questions when it changed. ``choice`` is a
    list of displayed option indexes ([] clears the answer). Raises QuizError
    ``no_attempt``, ``not_in_progress``, ``past_deadline``, ``bad_position``,
    ``bad_choice``, ``bad_message``.
    """
    saved = _save_answer(
        Attempt.objects.filter(pk=attempt_id),
        position=position,
        choice=choice,
        client_seq=client_seq,
        now=now,
    )
    return saved.answer, saved.changed


def save_candidate_answer(
    *, candidate_id, ticket_id, device, position, choice, client_seq, now=None
):
    """The live path (socket and HTTP): save an answer of the candidate logged in
    with ``ticket_id`` on ``device`` to its attempt in progress; a ``SavedAnswer``.

    The ticket, the attempt and its holder are checked by the same locked query
    that reads the attempt. Raises QuizError ``not_logged_in`` (the ticket was
    revoked or reissued), ``not_in_progress``, ``taken_over`` (another device holds
    the attempt) and those of ``save_answer``.
    """
    hint = _answer_hints.get(candidate_id)
    if connection.vendor == "postgresql" and hint is not None:
        request = at_once_request(
            hint,
            candidate_id=candidate_id,
            ticket_id=ticket_id,
            device=device,
            position=position,
            choice=choice,
            client_seq=client_seq,
            now=now or timezone.now(),
        )
        if request is not None:
            with connection.cursor() as cursor:
                cursor.execute(request.sql, request.params)
                saved = request.result(cursor.fetchone())
            if saved is not None:
                return saved
    valid_ticket = Ticket.objects.filter(
        pk=ticket_id, candidate_id=OuterRef("candidate_id"), revoked_at__isnull=True
    )
    saved = _save_answer(
        Attempt.objects.filter(
            candidate_id=candidate_id, status=Attempt.Status.IN_PROGRESS
        ).annotate(ticket_valid=Exists(valid_ticket)),
        position=position,
        choice=choice,
        client_seq=client_seq,
        now=now,
        device=device,
        ticket=(candidate_id, ticket_id),
    )
    _remember_hint(candidate_id, saved.answer.attempt_id, saved.paper_id)
    return saved


# The attempt and paper each candidate started, resumed or last answered, in
# this process: the candidate's answers can then be saved by one statement
# (``at_once_request``). A hint only: the statement checks everything again
# under the attempt's row lock, and anything but a plain save takes the full path.
_answer_hints = {}


def _remember_hint(candidate_id, attempt_id, paper_id):
    if len(_answer_hints) >= MAX_LOCAL_ENTRIES:
        _answer_hints.clear()
    _answer_hints[candidate_id] = (attempt_id, paper_id)


def forget_local_memory():
    """For tests, whose databases reuse ids."""
    _answer_hints.clear()
    _local_shapes.clear()


@dataclass
class AtOnceRequest:
    """The statement saving one answer at once, and how to read its row."""

    sql: str
    params: dict
    candidate_id: int
    paper_id: int

    def result(self, row):
        """A SavedAnswer, or None when the statement wrote nothing."""
        if row is None or row[0] is None:
            return None
        answer_id, answered_before, answered_count, sitting_id = row
        params = self.params
        answer = _written_answer(
            answer_id,
            params["attempt"],
            params["position"],
            json.loads(params["choice"]),
            params["seq"],
            params["now"],
        )
        answer.answered_count = answered_count
        return SavedAnswer(
            answer=answer,
            changed=True,
            answered_before=answered_before,
            answered_count=answered_count,
            candidate_id=self.candidate_id,
            sitting_id=sitting_id,
            paper_id=self.paper_id,
        )


def at_once_request(
    hint, *, candidate_id, ticket_id, device, position, choice, client_seq, now
):
    """The one statement saving a candidate's answer to the attempt this process
    knows (PostgreSQL): one round trip, no transaction of its own (a statement is
    atomic). Under the attempt's row lock it checks what ``_save_answer`` checks
    (ticket, status, device, deadline) and, only if all hold, writes the answer (a
    newer sequence number only) and the attempt's count; ``result`` is None when
    it wrote nothing (a resend, an error to explain, a stale hint) and the full
    path must handle the message, with the same checks.

    None when the message needs the full path anyway (a bad position or choice).
    Reads nothing but the paper's shape (cached)."""
    attempt_id, paper_id = hint
    if type(position) is not int or type(client_seq) is not int or client_seq < 1:
        return None
    shape = paper_shape(paper_id).get(position)
    valid = None if shape is None else _valid_choice(shape[0], choice, shape[1])
    if valid is None:
        return None
    return AtOnceRequest(
        sql=_save_at_once_sql(),
        params={
            "attempt": attempt_id,
            "candidate": candidate_id,
            "ticket": ticket_id,
            "device": device or "",
            "now": now,
            "position": position,
            "choice": json.dumps(valid),
            "seq": client_seq,
            "counts": 1 if valid else 0,
            "in_progress": Attempt.Status.IN_PROGRESS,
        },
        candidate_id=candidate_id,
        paper_id=paper_id,
    )


def shape_is_known(paper_id):
    """Whether ``paper_shape(paper_id)`` is answered from this process's memory
    (no cache or database to ask: safe on the event loop)."""
    return paper_id in _local_shapes


def answer_hint(candidate_id):
    """(attempt id, paper id) of the candidate's attempt if this process knows it."""
    return _answer_hints.get(candidate_id)


def _written_answer(answer_id, attempt_id, position, choice, client_seq, saved_at):
    """The answer row just written, without reading it back."""
    return AttemptAnswer(
        pk=answer_id,
        attempt_id=attempt_id,
        position=position,
        choice=choice,
        client_seq=client_seq,
        saved_at=saved_at,
    )


@functools.cache
def _save_at_once_sql():
    """The statement of ``at_once_request``, built once per process. The count
    cannot see the row the same statement writes (one snapshot): it counts the
    other positions and adds this one."""
    q = connection.ops.quote_name
    attempts, answers = q(Attempt._meta.db_table), q(AttemptAnswer._meta.db_table)
    candidates, tickets = q(Candidate._meta.db_table), q(Ticket._meta.db_table)
    return f"""
        WITH attempt AS (
            SELECT a.id, a.answered_count, c.sitting_id
            FROM {attempts} a JOIN {candidates} c ON c.id = a.candidate_id
            WHERE a.id = %(attempt)s AND a.candidate_id = %(candidate)s
              AND a.status = %(in_progress)s AND %(now)s <= a.deadline
              AND (a.device = '' OR %(device)s = '' OR a.device = %(device)s)
              AND EXISTS (
                  SELECT 1 FROM {tickets} t WHERE t.id = %(ticket)s
                  AND t.candidate_id = a.candidate_id AND t.revoked_at IS NULL)
            FOR UPDATE OF a
        ), saved AS (
            INSERT INTO {answers} (attempt_id, position, choice, client_seq, saved_at)
            SELECT id, %(position)s, %(choice)s::jsonb, %(seq)s, %(now)s
            FROM attempt
            ON CONFLICT (attempt_id, position) DO UPDATE SET
                choice = excluded.choice, client_seq = excluded.client_seq,
                saved_at = excluded.saved_at
            WHERE {answers}.client_seq < excluded.client_seq
            RETURNING id
        ), counted AS (
            UPDATE {attempts} SET answered_count = %(counts)s + (
                SELECT COUNT(*) FROM {answers}
                WHERE attempt_id = %(attempt)s AND position <> %(position)s
                  AND client_seq > 0 AND choice <> '[]'::jsonb)
            WHERE id = %(attempt)s AND EXISTS (SELECT 1 FROM saved)
            RETURNING answered_count
        )
        SELECT (SELECT id FROM saved), attempt.answered_count,
               (SELECT answered_count FROM counted), attempt.sitting_id
        FROM attempt
    """


def _save_answer(
    attempts, *, position, choice, client_seq, now, device="", ticket=None
):
    """This is the exam's hot path (every candidate, every click): one query that
    locks the attempt's row (so the sweeper or a proctor cannot submit between the
    check and the write) and reads what the checks need, one upsert and one count,
    in one transaction. ``ticket`` is (candidate id, ticket id) when ``attempts``
    annotates ``ticket_valid``."""
    now = now or timezone.now()
    ticket_checked = ticket is not None
    if type(position) is not int or type(client_seq) is not int or client_seq < 1:
        raise QuizError("bad_message", _("The answer message is incomplete."))
    fields = ["pk", "status", "deadline", "paper_id", "device", "answered_count"]
    fields += ["candidate_id", "candidate__sitting_id"]
    if ticket_checked:
        fields.append("ticket_valid")
    with transaction.atomic():
        # Only this attempt's row: the model's default ordering joins the
        # candidate and the sitting, and FOR UPDATE would then lock the sitting's
        # row too, queueing every candidate's answer behind every other's.
        row = (
            attempts.select_for_update(of=("self",)).order_by().values(*fields).first()
        )
        if row is None:
            if ticket_checked:
                if not ticket_is_valid(*ticket):
                    raise ticket_refused()
                raise QuizError(
                    "not_in_progress",
                    _("This paper has been submitted; it is closed."),
                )
            raise QuizError("no_attempt", _("This attempt does not exist."))
        if ticket_checked and not row["ticket_valid"]:
            raise ticket_refused()
        if row["status"] != Attempt.Status.IN_PROGRESS:
            raise QuizError(
                "not_in_progress", _("This paper has been submitted; it is closed.")
            )
        if device and row["device"] and row["device"] != device:
            raise QuizError(
                "taken_over",
                _("Your paper was opened on another device; answer there."),
            )
        if now > row["deadline"]:
            raise QuizError(
                "past_deadline", _("Time is up: answers are no longer accepted.")
            )
        shape = paper_shape(row["paper_id"]).get(position)
        if shape is None:
            raise QuizError("bad_position", _("This paper has no such question."))
        valid = _valid_choice(shape[0], choice, shape[1])
        if valid is None:
            raise QuizError("bad_choice", _("This answer is not one of the options."))
        attempt_id = row["pk"]
        answered_count = row["answered_count"]
        with connection.cursor() as cursor:
            cursor.execute(
                _upsert_answer_sql(),
                [attempt_id, position, json.dumps(valid), client_seq, now],
            )
            inserted = cursor.fetchone()
            if inserted is None:  # a resend or an older message: the stored one
                answer = AttemptAnswer.objects.get(
                    attempt_id=attempt_id, position=position
                )
            else:
                cursor.execute(_count_answered_sql(), [attempt_id, attempt_id])
                answered_count = cursor.fetchone()[0]
                answer = _written_answer(
                    inserted[0], attempt_id, position, valid, client_seq, now
                )
    answer.answered_count = answered_count
    return SavedAnswer(
        answer=answer,
        changed=inserted is not None,
        answered_before=row["answered_count"],
        answered_count=answered_count,
        candidate_id=row["candidate_id"],
        sitting_id=row["candidate__sitting_id"],
        paper_id=row["paper_id"],
    )


def submit_attempt(*, attempt_id, by, actor=None):
    """Submit and grade an attempt. Idempotent: an attempt already submitted is
    returned as it is. ``by`` is an ``Attempt.SubmittedBy``."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            return attempt
        attempt.status = Attempt.Status.SUBMITTED
        attempt.submitted_at = timezone.now()
        attempt.submitted_by = by
        attempt.save(update_fields=["status", "submitted_at", "submitted_by"])
        if by == Attempt.SubmittedBy.PROCTOR:
            _log(
                attempt.candidate.sitting,
                ProctorAction.Kind.FORCE_SUBMIT,
                actor=actor,
                candidate=attempt.candidate,
                attempt=attempt.pk,
            )
        return grade_attempt(attempt)


def record_focus_loss(*, attempt_id, kind, client_at=None):
    """Log one leaving of the page. Returns ``(attempt, warning)``: ``warning`` is
    True when the next leave will submit the paper; the attempt comes back
    submitted when the sitting's limit is reached.

    A page that was offline reports its leavings when it is back, and may send
    one again it is not sure arrived: a report with the device time of one
    already logged counts once."""
    if kind not in FocusLoss.Kind.values:
        raise QuizError("bad_message", _("Unknown kind of leaving the page."))
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            return attempt, False
        limit = attempt.candidate.sitting.focus_loss_limit
        already_logged = (
            client_at is not None
            and attempt.focus_events.filter(client_at=client_at).exists()
        )
        if not already_logged:
            FocusLoss.objects.create(attempt=attempt, kind=kind, client_at=client_at)
            attempt.focus_losses += 1
            attempt.save(update_fields=["focus_losses"])
    if limit and attempt.focus_losses >= limit:
        attempt = submit_attempt(
            attempt_id=attempt.pk, by=Attempt.SubmittedBy.FOCUS_LIMIT
        )
        return attempt, False
    return attempt, bool(limit) and attempt.focus_losses == limit - 1


def overdue_attempts(now=None):
    now = now or timezone.now()
    return Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline__lte=now - DEADLINE_GRACE
    )


def sweep(now=None):
    """Submit every attempt past its deadline (plus the grace) and close sittings
    whose window passed a while ago. Returns the attempts submitted. Safe to run
    in several processes at once (each attempt is locked and checked)."""
    now = now or timezone.now()
    submitted = [
        submit_attempt(attempt_id=pk, by=Attempt.SubmittedBy.DEADLINE)
        for pk in overdue_attempts(now).values_list("pk", flat=True)
    ]
    for sitting in Sitting.objects.filter(
        status=Sitting.Status.OPEN, closes_at__lte=now - AUTO_CLOSE_AFTER
    ):
        close_sitting(sitting=sitting, actor=None)
    return submitted


# --- the proctor's actions ---------------------------------------------------


def can_proctor(user, sitting):
    """Superusers and the sitting's proctors; administrators with the permission."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("quizzes.change_sitting"):
        return True
    return sitting.proctors.filter(pk=user.pk).exists()


def open_sitting(*, sitting, actor):
    with transaction.atomic():
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        if sitting.status == Sitting.Status.OPEN:
            return sitting
        if timezone.now() >= sitting.closes_at:
            raise QuizError(
                "window_passed",
                _("The window of this sitting has passed; change it to reopen."),
            )
        sitting.status = Sitting.Status.OPEN
        sitting.opened_at = timezone.now()
        sitting.closed_at = None
        sitting.save(update_fields=["status", "opened_at", "closed_at"])
        _log(sitting, ProctorAction.Kind.OPEN, actor=actor)
        return sitting


def close_sitting(*, sitting, actor):
    """Close the sitting and submit every attempt still in progress."""
    with transaction.atomic():
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        if sitting.status == Sitting.Status.CLOSED:
            return sitting, []
        sitting.status = Sitting.Status.CLOSED
        sitting.closed_at = timezone.now()
        sitting.save(update_fields=["status", "closed_at"])
        _log(sitting, ProctorAction.Kind.CLOSE, actor=actor)
    running = Attempt.objects.filter(
        candidate__sitting=sitting, status=Attempt.Status.IN_PROGRESS
    ).values_list("pk", flat=True)
    submitted = [
        submit_attempt(attempt_id=pk, by=Attempt.SubmittedBy.PROCTOR, actor=actor)
        for pk in running
    ]
    from quizzes.services import hooks

    hooks.sitting_closed(sitting)
    return sitting, submitted


def extend_time(*, sitting, minutes, actor, candidate=None):
    """Give ``minutes`` more to one candidate or (``candidate=None``) to all.

    Moves the deadlines of attempts in progress at once; never past the window's
    close (extend the window in the sitting's settings for that). Returns the
    attempts whose deadline moved.
    """
    if type(minutes) is not int or not 1 <= minutes <= 600:
        raise QuizError(
            "bad_minutes", _("Extra time must be between 1 and 600 minutes.")
        )
    with transaction.atomic():
        candidates = Candidate.objects.select_for_update(of=("self",)).filter(
            sitting=sitting
        )
        if candidate is not None:
            candidates = candidates.filter(pk=candidate.pk)
        candidates = list(candidates)
        for one in candidates:
            one.extra_minutes += minutes
        Candidate.objects.bulk_update(candidates, ["extra_minutes"])
        moved = []
        for attempt in (
            Attempt.objects.select_for_update(of=("self",))
            .filter(candidate__in=candidates, status=Attempt.Status.IN_PROGRESS)
            .select_related("candidate__sitting")
        ):
            attempt.deadline = compute_deadline(
                sitting=attempt.candidate.sitting,
                candidate=attempt.candidate,
                started_at=attempt.started_at,
            )
            attempt.save(update_fields=["deadline"])
            moved.append(attempt)
        _log(
            sitting,
            ProctorAction.Kind.EXTEND,
            actor=actor,
            candidate=candidate,
            minutes=minutes,
            everyone=candidate is None,
        )
        return moved


def readmit(*, candidate, actor):
    """Let a candidate whose paper was submitted (by the leaving-the-page limit, the
    proctor, or by mistake) continue it: the attempt reopens with its answers and
    the time it had left. Its score is withdrawn (logged) until it is submitted
    again."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("candidate__sitting")
            .filter(candidate=candidate)
            .order_by("-number")
            .first()
        )
        if attempt is None or attempt.status == Attempt.Status.IN_PROGRESS:
            raise QuizError(
                "nothing_to_readmit", _("This candidate has no submitted paper.")
            )
        sitting = attempt.candidate.sitting
        if not sitting_is_running(sitting):
            raise QuizError(
                "closed", _("The sitting is closed: a paper cannot be reopened.")
            )
        now = timezone.now()
        left = max(attempt.deadline - (attempt.submitted_at or now), dt.timedelta(0))
        left = max(left, dt.timedelta(minutes=1))
        if attempt.score is not None:
            ScoreChange.objects.create(
                attempt=attempt,
                old_score=attempt.score,
                new_score=0,
                reason="readmitted: score withdrawn until resubmitted",
                actor=actor,
            )
        attempt.status = Attempt.Status.IN_PROGRESS
        attempt.deadline = min(now + left, sitting.closes_at)
        attempt.submitted_at = None
        attempt.submitted_by = ""
        attempt.score = attempt.passed = None
        attempt.save()
        _log(
            sitting,
            ProctorAction.Kind.READMIT,
            actor=actor,
            candidate=attempt.candidate,
            attempt=attempt.pk,
        )
        return attempt


def log_notice(*, sitting, actor, text):
    text = (text or "").strip()
    if not text or len(text) > 500:
        raise QuizError(
            "bad_notice", _("A notice must have between 1 and 500 characters.")
        )
    return _log(sitting, ProctorAction.Kind.NOTICE, actor=actor, text=text)
