"""Live quiz contests: joining, playing, scoring, and the host's controls.

The phases of a contest::

    lobby ─start/next→ question 1 ─timer (or skip)→ reveal ─next→ leaderboard
          ─next→ question 2 … ─next after the last leaderboard (or end)→ ended

The server's clock is the only clock. Opening a question stores its deadline on the
contest row; the question is closed by whichever comes first: a timer in a worker
(``quizzes.contest_consumers``), the next action that finds the deadline passed
(an answer, a host action, a reconnect: ``close_question_if_due``) or the sweep
(``close_due_questions``). Closing is idempotent: one caller closes, the others
see it closed. An answer counts if the server received it by the deadline; the
question closes ``CLOSE_GRACE`` after it, and the close waits for answers being
saved (row locks below), so the figures it reveals are final.

Scoring. A right answer scores ``round(1000 × (1 − t / (2T)))`` where ``t`` is the
time from the question opening to the server receiving the answer (pauses do not
count) and ``T`` the seconds per question: 1000 at once, 500 at the last moment
(Kahoot's formula). With speed scoring off a right answer scores 1000. The streak
bonus adds ``min(100 × (streak − 1), 500)`` where ``streak`` counts the right
answers in a row ending with this one (an unanswered or wrong question breaks it).
Wrong answers score 0. A multiple-choice answer is right only when it is exactly the
set of right options. In team mode a team scores the mean of its players' scores.
Players' totals are kept on their rows as each answer is saved, so the leaderboard
is one ordered query.

Every function returns the frames to send (``Announcement``); the consumers send
them (``quizzes.contest_consumers``). None of them sends anything itself.
"""

import contextvars
import datetime as dt
import functools
import logging
import math
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Avg, Case, Count, F, FilteredRelation, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Place, Unit
from org.services import OrgError, find_or_create_person, identity_hash
from pufa.ratelimit import RateLimit
from quizzes.models import (
    OPTION_LETTERS,
    Contest,
    ContestAction,
    ContestAnswer,
    ContestPlayer,
    ContestSelection,
    PaperQuestion,
    QuestionKind,
)
from quizzes.services.errors import QuizError
from quizzes.services.nicknames import clean_nickname, disambiguated
from quizzes.services.papers import (
    check_blueprint,
    check_selection,
    displayed_keys,
    displayed_options,
    draw_paper,
    selected_paper,
)

logger = logging.getLogger(__name__)

SPEED_BASE = 1000
STREAK_STEP = 100
STREAK_CAP = 500
LEADERBOARD_SIZE = 10
PODIUM_SIZE = 3
LOBBY_NAMES = 200  # nicknames a host screen gets when it (re)connects
MAX_QUESTIONS = 50
# Answers are judged by when they were received; the question closes this long
# after its deadline, so that answers received in time and still being saved count.
CLOSE_GRACE = dt.timedelta(milliseconds=200)
# A contest left running (nobody pressed "end") is ended after this long idle.
STALE_AFTER = dt.timedelta(hours=12)

# Wrong PINs per address: guessing a live 6-digit PIN takes ~10⁵ tries; this makes
# it take months. Only failures count, so a room behind one NAT address is not hurt.
WRONG_PIN_LIMIT = RateLimit("contest-wrong-pin", limit=20, window=300)
# Joins per address and contest: a whole village hall behind one address fits; a
# script filling the lobby with fake players does not.
JOIN_LIMIT = RateLimit("contest-join", limit=100, window=60)

Phase = Contest.Phase


@dataclass
class Announcement:
    """What to send after a change: frames for the host screens and for every
    player socket of the contest (sent by ``quizzes.contest_consumers``)."""

    contest_id: int
    host: list = field(default_factory=list)
    players: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.host or self.players)


def ms(moment):
    """A datetime as ms since the epoch (the clients' clock format), or None."""
    return None if moment is None else int(moment.timestamp() * 1000)


# --- creating ---------------------------------------------------------------------


def new_pin():
    return f"{secrets.randbelow(900_000) + 100_000}"


def _free_pin():
    for _attempt in range(20):
        pin = new_pin()
        if not Contest.objects.filter(pin=pin).exclude(phase=Phase.ENDED).exists():
            return pin
    raise QuizError("no_pin", _("No PIN is free; try again."))


def check_source(*, blueprint, questions):
    """QuizError unless exactly one of a blueprint and a selection is given, and
    the bank can fill it."""
    questions = list(questions or [])
    if blueprint is None and not questions:
        raise QuizError(
            "no_questions", _("Choose a blueprint or at least one question.")
        )
    if blueprint is not None and questions:
        raise QuizError(
            "two_sources",
            _("Choose either a blueprint or questions, not both."),
        )
    count = blueprint.question_count if blueprint is not None else len(questions)
    if count > MAX_QUESTIONS:
        raise QuizError(
            "too_many_questions",
            _("A contest has at most %(n)d questions.") % {"n": MAX_QUESTIONS},
        )
    if blueprint is not None:
        check_blueprint(blueprint)
    else:
        check_selection(getattr(q, "pk", q) for q in questions)


def prepare_contest(*, contest):
    """Give a contest in the lobby its PIN and (again) its paper: drawn from its
    blueprint or made of its chosen questions. Call after every save of its
    settings. Raises QuizError ``started`` (a contest that has begun keeps its
    questions), ``no_questions``, ``two_sources``, ``blueprint_infeasible``,
    ``not_drawable`` …"""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.phase != Phase.LOBBY:
            raise QuizError(
                "started", _("The contest has started; its questions cannot change.")
            )
        questions = [s.question_id for s in contest.selections.order_by("sort_order")]
        check_source(blueprint=contest.blueprint, questions=questions)
        if contest.blueprint is not None:
            paper = draw_paper(blueprint=contest.blueprint)
        else:
            paper = selected_paper(questions=questions)
        contest.paper = paper
        if not contest.pin:
            contest.pin = _free_pin()
        contest.save(update_fields=["paper", "pin", "updated_at"])
        return contest


def create_contest(*, title, actor=None, blueprint=None, questions=(), **settings):
    """Create a contest in the lobby and prepare it (see ``prepare_contest``).
    ``settings``: any of the contest's fields (seconds_per_question,
    speed_scoring, streak_bonus, team_mode, late_join_until, setting, county,
    township, venue, unit)."""
    questions = list(questions)
    check_source(blueprint=blueprint, questions=questions)
    with transaction.atomic():
        contest = Contest.objects.create(
            title=title, blueprint=blueprint, created_by=actor, **settings
        )
        ContestSelection.objects.bulk_create(
            ContestSelection(contest=contest, question=question, sort_order=order)
            for order, question in enumerate(questions)
        )
        return prepare_contest(contest=contest)


def question_count(contest):
    if contest.paper_id is None:
        return 0
    return _paper_size(*_paper_key(contest))


# A paper never changes once drawn (a contest redrawn in the lobby gets a new
# one), so what frames and answers need of it is kept per process, keyed by the
# paper's id and its random seed (an id alone may come back in a test database).
def _paper_key(contest):
    seed = getattr(contest, "paper_seed", None)
    if seed is None:
        seed = contest.paper.seed
    return contest.paper_id, seed


@functools.lru_cache(maxsize=256)
def _paper_size(paper_id, _seed):
    return PaperQuestion.objects.filter(paper_id=paper_id).count()


@dataclass(frozen=True)
class QuestionView:
    """A paper question as the contest shows and marks it."""

    kind: str
    stem: str
    options: tuple  # in the order everybody sees them
    keys: tuple  # displayed indexes of the right options
    explanation: str
    article_ids: tuple

    @property
    def letters(self):
        return OPTION_LETTERS[: len(self.options)]


def contest_question(contest, position):
    return _question_view(*_paper_key(contest), position)


@functools.lru_cache(maxsize=1024)
def _question_view(paper_id, _seed, position):
    item = (
        PaperQuestion.objects.select_related("version")
        .filter(paper_id=paper_id, position=position)
        .first()
    )
    if item is None:
        return None
    return QuestionView(
        kind=item.version.kind,
        stem=item.version.stem,
        options=tuple(displayed_options(item)),
        keys=tuple(displayed_keys(item)),
        explanation=item.version.explanation,
        article_ids=tuple(item.version.articles.values_list("pk", flat=True)),
    )


# --- who may host ------------------------------------------------------------------


def can_host(user, contest):
    """Active staff with the contest permission, inside their county scope."""
    from org.scoping import scope_for

    if not user or not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm("quizzes.change_contest"):
        return False
    return scope_for(user).allows(contest.county_id)


# --- joining -----------------------------------------------------------------------


def token_hash(token):
    return identity_hash("contest-player", str(token))


def player_for_token(token, *, contest_id=None):
    """The player this browser token belongs to (kicked ones too), or None."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    players = ContestPlayer.objects.select_related(
        "contest__paper", "team_place", "team_unit"
    )
    if contest_id is not None:
        players = players.filter(contest_id=contest_id)
    return players.filter(token_hash=token_hash(token)).first()


def contest_for_pin(*, pin, address):
    """The live contest with this PIN. Raises QuizError ``rate_limited`` (too many
    wrong PINs from this address) or ``wrong_pin``."""
    identity = address or "unknown"
    if WRONG_PIN_LIMIT.exceeded(identity):
        raise QuizError(
            "rate_limited",
            _("Too many wrong PINs. Please wait %(s)d seconds and try again.")
            % {"s": WRONG_PIN_LIMIT.retry_after()},
        )
    pin = "".join(str(pin or "").split())
    contest = None
    if len(pin) == 6 and pin.isascii() and pin.isdigit():
        contest = Contest.objects.filter(pin=pin).exclude(phase=Phase.ENDED).first()
    if contest is None:
        WRONG_PIN_LIMIT.hit(identity)
        raise QuizError(
            "wrong_pin",
            _("No contest is running with this PIN. Check the 6 digits on the screen."),
        )
    return contest


def team_choices(contest):
    """[(id, name)] of the teams a player may choose (empty without team mode)."""
    if contest.team_mode == Contest.TeamMode.TOWNSHIP:
        places = Place.objects.filter(kind=Place.Kind.TOWNSHIP)
        if contest.county_id:
            places = places.filter(parent_id=contest.county_id)
        return list(places.order_by("name").values_list("pk", "name"))
    if contest.team_mode == Contest.TeamMode.UNIT:
        units = Unit.objects.filter(is_active=True)
        if contest.county_id:
            units = units.filter(
                Q(place_id=contest.county_id) | Q(place__kind=Place.Kind.PREFECTURE)
            )
        return list(units.order_by("sort_order", "name").values_list("pk", "name"))
    return []


def _team_fields(contest, team_id):
    if not contest.team_mode:
        return {}
    try:
        team_id = int(team_id)
    except (TypeError, ValueError):
        team_id = None
    if team_id not in {pk for pk, _name in team_choices(contest)}:
        raise QuizError("team_missing", _("Choose your team."))
    if contest.team_mode == Contest.TeamMode.TOWNSHIP:
        return {"team_place_id": team_id}
    return {"team_unit_id": team_id}


def _check_can_join(contest):
    if contest.phase == Phase.ENDED:
        raise QuizError("ended", _("This contest has ended."))
    if contest.current > contest.late_join_until:
        raise QuizError(
            "too_late_to_join",
            _("The contest is too far along to join now. Watch the screen!"),
        )


@dataclass
class Joined:
    player: ContestPlayer
    token: str  # empty when an existing player came back with its own token
    announcement: Announcement


def join_contest(*, pin, nickname, address, phone="", team_id=None, token=None):
    """Join the live contest with this PIN, or come back to it.

    A browser that already joined (its ``token``) gets its player back — with its
    nickname and score — whatever it typed. Otherwise a new player is created with
    the cleaned nickname, made unique in the contest (小王, 小王(2), …). A phone
    number, if given, is matched to a Person by keyed hash (never stored raw), so
    the reach ledger counts the player as a distinct person. Returns ``Joined``.
    Raises QuizError ``rate_limited``, ``wrong_pin``, ``ended``,
    ``too_late_to_join``, ``removed``, nickname errors (``nickname_missing``,
    ``nickname_too_long``, ``nickname_refused``), ``team_missing``,
    ``invalid_phone``, ``phone_taken``.
    """
    contest = contest_for_pin(pin=pin, address=address)
    returning = player_for_token(token, contest_id=contest.pk)
    if returning is not None:
        if returning.kicked_at:
            raise QuizError("removed", _("You were removed from this contest."))
        return Joined(returning, "", Announcement(contest.pk))
    _check_can_join(contest)
    if not JOIN_LIMIT.hit(f"{address or 'unknown'}:{contest.pk}"):
        raise QuizError(
            "rate_limited",
            _("Too many players joined from this network. Please wait %(s)d seconds.")
            % {"s": JOIN_LIMIT.retry_after()},
        )
    nickname = clean_nickname(nickname)
    team = _team_fields(contest, team_id)
    person = None
    phone = "".join(str(phone or "").split())
    if phone:
        try:
            person, _created = find_or_create_person(
                full_name=nickname, phone=phone, county=contest.county
            )
        except OrgError as error:
            raise QuizError(error.code, error.message) from error
    new_token = secrets.token_urlsafe(24)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                contest = Contest.objects.get(pk=contest.pk)
                _check_can_join(contest)
                if person and contest.players.filter(person=person).exists():
                    raise QuizError(
                        "phone_taken",
                        _("This phone number has already joined this contest."),
                    )
                taken = set(
                    contest.players.filter(nickname__startswith=nickname).values_list(
                        "nickname", flat=True
                    )
                )
                player = ContestPlayer.objects.create(
                    contest=contest,
                    nickname=disambiguated(nickname, taken),
                    token_hash=token_hash(new_token),
                    person=person,
                    joined_at_question=contest.current,
                    **team,
                )
        except IntegrityError:
            # Another phone took the same nickname (or number) a moment ago.
            continue
        return Joined(player, new_token, _joined_announcement(player))
    raise QuizError("busy", _("Many players are joining at once; try again."))


def _joined_announcement(player):
    return Announcement(
        player.contest_id,
        host=[
            {
                "type": "contest.joined",
                "player": _player_brief(player),
                "players": _player_count(player.contest_id),
            }
        ],
    )


def _player_brief(player):
    return {"id": player.pk, "nickname": player.nickname, "team": _team_name(player)}


def _team_name(player):
    if player.team_place_id:
        return player.team_place.name
    if player.team_unit_id:
        return player.team_unit.name
    return ""


def _active_players(contest_id):
    return ContestPlayer.objects.filter(contest_id=contest_id, kicked_at__isnull=True)


def _player_count(contest_id):
    return _active_players(contest_id).count()


# --- frames ------------------------------------------------------------------------


def question_frame(contest, total=None):
    """The open question as players and the host see it: never its key."""
    question = contest_question(contest, contest.current)
    return {
        "type": "contest.question",
        "question": contest.current,
        "total": total or question_count(contest),
        "kind": question.kind,
        "stem": question.stem,
        "options": list(question.options),
        "letters": question.letters,
        "seconds": contest.seconds_per_question,
        "deadline": ms(contest.question_deadline),
        "remaining_ms": _remaining_ms(contest),
        "paused": contest.is_paused,
        "server_time": ms(timezone.now()),
    }


def _remaining_ms(contest, now=None):
    if contest.question_deadline is None:
        return contest.paused_remaining_ms
    now = now or timezone.now()
    return max(0, int((contest.question_deadline - now).total_seconds() * 1000))


def _ranked(contest_id, position=None):
    """Active players best first, each with its rank (1 + those scoring more) and,
    with ``position``, its answer to that question: one query."""
    players = _active_players(contest_id).order_by("-score", "joined_at", "pk")
    fields = ["pk", "nickname", "score", "team_place__name", "team_unit__name"]
    if position is not None:
        players = players.annotate(
            this=FilteredRelation("answers", condition=Q(answers__position=position))
        )
        fields += ["this__points", "this__bonus", "this__correct"]
    ranked, rank, previous = [], 0, None
    for index, row in enumerate(players.values_list(*fields), start=1):
        if row[2] != previous:
            rank, previous = index, row[2]
        ranked.append((rank, row))
    return ranked


def _board(ranked, limit=LEADERBOARD_SIZE):
    return [
        {
            "rank": rank,
            "player": row[0],
            "nickname": row[1],
            "score": row[2],
            "team": row[3] or row[4] or "",
        }
        for rank, row in ranked[:limit]
    ]


def team_scores(contest):
    """Teams best first: {name, players, score (the mean, rounded)}."""
    if not contest.team_mode:
        return []
    name = (
        "team_place__name"
        if contest.team_mode == Contest.TeamMode.TOWNSHIP
        else "team_unit__name"
    )
    rows = (
        _active_players(contest.pk)
        .values(name)
        .annotate(players=Count("pk"), mean=Avg("score"))
        .order_by("-mean", name)
    )
    return [
        {
            "rank": index,
            "team": row[name] or "",
            "players": row["players"],
            "score": round(row["mean"] or 0),
        }
        for index, row in enumerate(rows, start=1)
    ]


def _standings(contest, ranked, position, *, final=False):
    """Internal frame (never forwarded to a phone as it is): each player's score,
    rank and result of the question; the player sockets turn it into one small
    personal ``contest.result`` each (``quizzes.contest_consumers``)."""
    by_player = {}
    for rank, row in ranked:
        entry = [row[2], rank]
        if position is not None:
            points, bonus, correct = row[5], row[6], row[7]
            entry += [
                (points or 0) + (bonus or 0),
                None if correct is None else int(correct),
            ]
        by_player[str(row[0])] = entry
    return {
        "type": "contest._standings",
        "question": position,
        "final": final,
        "players": len(ranked),
        "by_player": by_player,
    }


def result_frame(entry, *, question, players, final=False):
    """A player's own result from their standings entry."""
    frame = {
        "type": "contest.result",
        "question": question,
        "final": final,
        "score": entry[0],
        "rank": entry[1],
        "players": players,
    }
    if len(entry) > 2:
        frame["points"] = entry[2]
        frame["correct"] = None if entry[3] is None else bool(entry[3])
    return frame


def _articles(question):
    from cms.models import LawArticle

    return [
        {
            "law": article.law.short_name,
            "label": article.number_label,
            "text": article.text,
        }
        for article in LawArticle.objects.filter(pk__in=question.article_ids)
        .select_related("law")
        .order_by("law__short_name", "number")
    ]


def _distribution(contest_id, position, option_count):
    counts = [0] * option_count
    answered = 0
    rows = (
        ContestAnswer.objects.filter(
            contest_id=contest_id, position=position, player__kicked_at__isnull=True
        )
        .values_list("choice")
        .annotate(n=Count("pk"))
    )
    for choice, n in rows:
        answered += n
        for index in choice:
            if 0 <= index < option_count:
                counts[index] += n
    return counts, answered


def reveal_frames(contest, position):
    """After a question closes: the reveal (for everybody) and the standings."""
    question = contest_question(contest, position)
    counts, answered = _distribution(contest.pk, position, len(question.options))
    ranked = _ranked(contest.pk, position)
    reveal = {
        "type": "contest.reveal",
        "question": position,
        "total": question_count(contest),
        "kind": question.kind,
        "stem": question.stem,
        "options": list(question.options),
        "letters": question.letters,
        "correct": list(question.keys),
        "counts": counts,
        "answered": answered,
        "players": len(ranked),
        "explanation": question.explanation,
        "articles": _articles(question),
        "leaderboard": _board(ranked),
        "teams": team_scores(contest),
    }
    return reveal, _standings(contest, ranked, position)


def leaderboard_frame(contest, ranked=None):
    ranked = ranked if ranked is not None else _ranked(contest.pk)
    total = question_count(contest)
    return {
        "type": "contest.leaderboard",
        "question": contest.current,
        "total": total,
        "last": contest.current >= total,
        "players": len(ranked),
        "leaderboard": _board(ranked),
        "teams": team_scores(contest),
    }


def ended_frames(contest):
    ranked = _ranked(contest.pk)
    ended = {
        "type": "contest.ended",
        "players": len(ranked),
        "podium": _board(ranked, PODIUM_SIZE),
        "leaderboard": _board(ranked),
        "teams": team_scores(contest),
    }
    return ended, _standings(contest, ranked, None, final=True)


def _state_contest(contest, total):
    return {
        "id": contest.pk,
        "title": contest.title,
        "phase": contest.phase,
        "question": contest.current,
        "total": total,
        "seconds": contest.seconds_per_question,
        "team_mode": contest.team_mode,
    }


def host_state(contest):
    """Everything a host screen needs to draw the contest as it is now."""
    contest = Contest.objects.select_related("paper").get(pk=contest.pk)
    total = question_count(contest)
    players = _active_players(contest.pk).select_related("team_place", "team_unit")
    frame = {
        "type": "contest.state",
        "role": "host",
        "contest": {**_state_contest(contest, total), "pin": contest.pin},
        "players": players.count(),
        "lobby": [
            _player_brief(p) for p in players.order_by("-joined_at")[:LOBBY_NAMES]
        ],
        "server_time": ms(timezone.now()),
    }
    frame.update(_phase_frames(contest, total))
    if contest.phase == Phase.QUESTION:
        frame["answered"] = _answered_count(contest.pk, contest.current)
    return frame


def _phase_frames(contest, total):
    if contest.phase == Phase.QUESTION:
        return {"question": question_frame(contest, total=total)}
    if contest.phase == Phase.REVEAL:
        return {"reveal": reveal_frames(contest, contest.current)[0]}
    if contest.phase == Phase.LEADERBOARD:
        return {"leaderboard": leaderboard_frame(contest)}
    if contest.phase == Phase.ENDED:
        return {"ended": ended_frames(contest)[0]}
    return {}


def player_state(player, *, fresh=False):
    """What a player's phone needs after (re)connecting: its own name and score,
    the open question (never its key) and whether it answered it, or its result.
    ``fresh``: ``player`` was just loaded with its contest (``player_for_token``)."""
    if not fresh:
        player = ContestPlayer.objects.select_related(
            "contest__paper", "team_place", "team_unit"
        ).get(pk=player.pk)
    contest = player.contest
    total = question_count(contest)
    frame = {
        "type": "contest.state",
        "role": "player",
        "contest": _state_contest(contest, total),
        "player": {**_player_brief(player), "score": player.score},
        "server_time": ms(timezone.now()),
    }
    if contest.phase == Phase.QUESTION:
        frame["question"] = question_frame(contest, total=total)
        answer = player.answers.filter(position=contest.current).first()
        frame["answered"] = answer.choice if answer else None
    elif contest.phase != Phase.LOBBY:
        frame["result"] = own_result(player, contest)
    return frame


def own_result(player, contest):
    """One player's result frame, computed for them alone (on reconnect)."""
    players = _active_players(contest.pk)
    entry = [player.score, 1 + players.filter(score__gt=player.score).count()]
    final = contest.phase == Phase.ENDED
    question = None if final else contest.current
    if not final:
        answer = player.answers.filter(position=contest.current).first()
        entry += [
            answer.points + answer.bonus if answer else 0,
            int(answer.correct) if answer else None,
        ]
    return result_frame(entry, question=question, players=players.count(), final=final)


def _answered_count(contest_id, position):
    return ContestAnswer.objects.filter(
        contest_id=contest_id, position=position, player__kicked_at__isnull=True
    ).count()


def answers_frame(contest_id, position):
    """The live answer count of the open question, for the host screens."""
    return {
        "type": "contest.answers",
        "question": position,
        "answered": _answered_count(contest_id, position),
        "players": _player_count(contest_id),
    }


# --- the host's controls --------------------------------------------------------


# The user a host control runs for (``host_action``); unset for the server's own
# calls (the timer, the sweep) and for other callers of the services.
_asking_host = contextvars.ContextVar("asking_host", default=None)


def _locked(contest_id):
    contest = (
        Contest.objects.select_for_update(of=("self",))
        .select_related("paper")
        .filter(pk=contest_id)
        .first()
    )
    host = _asking_host.get()
    if host is not None and (contest is None or not can_host(host, contest)):
        raise QuizError("forbidden", _("You may not run this contest."))
    if contest is None:
        raise QuizError("no_contest", _("This contest does not exist."))
    return contest


def _log(contest, kind, actor, **detail):
    ContestAction.objects.create(
        contest=contest, actor=actor, kind=kind, position=contest.current, detail=detail
    )


def _save(contest, *fields):
    contest.save(update_fields=[*fields, "updated_at"])


def _open_question(contest, position, now):
    contest.phase = Phase.QUESTION
    contest.current = position
    contest.question_opened_at = now
    contest.question_deadline = now + dt.timedelta(seconds=contest.seconds_per_question)
    contest.paused_remaining_ms = None
    fields = ["phase", "current", "question_opened_at", "question_deadline"]
    if contest.started_at is None:
        contest.started_at = now
        fields.append("started_at")
    _save(contest, *fields, "paused_remaining_ms")
    frame = question_frame(contest)
    return Announcement(contest.pk, host=[frame], players=[frame])


def _close(contest, kind, actor, now):
    """Close the open question (the contest row is locked) and build the reveal."""
    contest.phase = Phase.REVEAL
    contest.question_deadline = None
    contest.paused_remaining_ms = None
    _save(contest, "phase", "question_deadline", "paused_remaining_ms")
    _log(contest, kind, actor)
    reveal, standings = reveal_frames(contest, contest.current)
    return Announcement(contest.pk, host=[reveal], players=[reveal, standings])


def _expecting(contest, expect_phase, expect_question):
    """False when the host's screen showed another step than the contest is at:
    a double click, or a second host screen acting first. The click is ignored."""
    if expect_phase is not None and expect_phase != contest.phase:
        return False
    return expect_question is None or expect_question == contest.current


def start_contest(*, contest_id, actor):
    """Open the first question. Raises QuizError ``no_players``, ``started``."""
    with transaction.atomic():
        contest = _locked(contest_id)
        if contest.phase != Phase.LOBBY:
            raise QuizError("started", _("The contest has already started."))
        if not _active_players(contest.pk).exists():
            raise QuizError("no_players", _("Wait until at least one player joins."))
        if contest.paper_id is None:
            raise QuizError("no_questions", _("This contest has no questions."))
        _log(contest, ContestAction.Kind.START, actor)
        return _open_question(contest, 1, timezone.now())


def next_step(*, contest_id, actor, expect_phase=None, expect_question=None):
    """Move on: lobby → question 1, reveal → leaderboard, leaderboard → the next
    question (or the end after the last). Returns an empty Announcement when the
    host's screen was behind (``expect_*``). Raises QuizError ``question_open``
    (wait for the timer or use skip) or ``ended``."""
    with transaction.atomic():
        contest = _locked(contest_id)
        if not _expecting(contest, expect_phase, expect_question):
            return Announcement(contest.pk)
        if contest.phase == Phase.LOBBY:
            return start_contest(contest_id=contest_id, actor=actor)
        if contest.phase == Phase.QUESTION:
            closed = close_question_if_due(contest_id=contest.pk)
            if closed:  # its deadline had passed before any timer fired
                return closed
            raise QuizError(
                "question_open",
                _("The question is still open: wait for the timer, or end it early."),
            )
        if contest.phase == Phase.ENDED:
            raise QuizError("ended", _("This contest has ended."))
        _log(contest, ContestAction.Kind.NEXT, actor)
        if contest.phase == Phase.REVEAL:
            contest.phase = Phase.LEADERBOARD
            _save(contest, "phase")
            frame = leaderboard_frame(contest)
            return Announcement(contest.pk, host=[frame], players=[frame])
        if contest.current < question_count(contest):
            return _open_question(contest, contest.current + 1, timezone.now())
        return _end(contest, actor, log=False)


def skip_question(*, contest_id, actor, expect_question=None):
    """End the open question now (its timer cut short): the answers in so far
    count, and the reveal follows. Raises QuizError ``no_question``."""
    with transaction.atomic():
        contest = _locked(contest_id)
        expect_phase = None if expect_question is None else Phase.QUESTION
        if not _expecting(contest, expect_phase, expect_question):
            return Announcement(contest.pk)
        if contest.phase != Phase.QUESTION:
            raise QuizError("no_question", _("No question is open."))
        return _close(contest, ContestAction.Kind.SKIP, actor, timezone.now())


def pause_question(*, contest_id, actor):
    """Stop the open question's clock; answers wait until it resumes."""
    with transaction.atomic():
        contest = _locked(contest_id)
        if contest.phase != Phase.QUESTION:
            raise QuizError("no_question", _("No question is open."))
        if contest.is_paused:
            return Announcement(contest.pk)
        now = timezone.now()
        if now >= contest.question_deadline:
            return _close(contest, ContestAction.Kind.TIMER, None, now)
        contest.paused_remaining_ms = _remaining_ms(contest, now)
        contest.question_deadline = None
        _save(contest, "paused_remaining_ms", "question_deadline")
        _log(contest, ContestAction.Kind.PAUSE, actor)
        frame = _clock_frame("contest.paused", contest)
        return Announcement(contest.pk, host=[frame], players=[frame])


def resume_question(*, contest_id, actor):
    """Restart a paused question's clock where it stopped."""
    with transaction.atomic():
        contest = _locked(contest_id)
        if not contest.is_paused:
            return Announcement(contest.pk)
        now = timezone.now()
        remaining = dt.timedelta(milliseconds=contest.paused_remaining_ms)
        contest.question_deadline = now + remaining
        # Time open so far stays the same: the pause does not count as thinking.
        contest.question_opened_at = contest.question_deadline - dt.timedelta(
            seconds=contest.seconds_per_question
        )
        contest.paused_remaining_ms = None
        _save(contest, "question_deadline", "question_opened_at", "paused_remaining_ms")
        _log(contest, ContestAction.Kind.RESUME, actor)
        frame = _clock_frame("contest.resumed", contest)
        return Announcement(contest.pk, host=[frame], players=[frame])


def _clock_frame(kind, contest):
    return {
        "type": kind,
        "question": contest.current,
        "deadline": ms(contest.question_deadline),
        "remaining_ms": _remaining_ms(contest),
        "server_time": ms(timezone.now()),
    }


def _locked_player(player_id, contest_id=None):
    """The player's row, locked — and only it: a FOR UPDATE over a join (an
    ordering through the contest) would lock the contest row too, and answers
    arriving together would deadlock on it."""
    players = ContestPlayer.objects.select_for_update(of=("self",)).filter(pk=player_id)
    if contest_id is not None:
        players = players.filter(contest_id=contest_id)
    return players.order_by().first()


def kick_player(*, contest_id, player_id, actor):
    """Remove a player (e.g. an offensive nickname): off the leaderboard and the
    counts; their phone is disconnected and cannot come back with the same
    browser. Raises QuizError ``no_player``."""
    with transaction.atomic():
        contest = _locked(contest_id)
        player = _locked_player(player_id, contest_id=contest.pk)
        if player is None:
            raise QuizError("no_player", _("This player is not in the contest."))
        if player.kicked_at:
            return Announcement(contest.pk)
        player.kicked_at = timezone.now()
        player.save(update_fields=["kicked_at"])
        _log(
            contest,
            ContestAction.Kind.KICK,
            actor,
            player=player.pk,
            nickname=player.nickname,
        )
        count = _player_count(contest.pk)
        return Announcement(
            contest.pk,
            host=[{"type": "contest.kicked", "player": player.pk, "players": count}],
            players=[{"type": "contest._kick", "player": player.pk}],
        )


def end_contest(*, contest_id, actor):
    """End the contest now (an open question is closed first): the podium shows,
    and the players are counted in the reach ledger once the change is saved."""
    with transaction.atomic():
        contest = _locked(contest_id)
        if contest.phase == Phase.ENDED:
            return Announcement(contest.pk)
        if contest.phase == Phase.QUESTION:
            _close(contest, ContestAction.Kind.SKIP, actor, timezone.now())
        return _end(contest, actor)


def _end(contest, actor, log=True):
    contest.phase = Phase.ENDED
    contest.ended_at = timezone.now()
    contest.question_deadline = None
    contest.paused_remaining_ms = None
    _save(contest, "phase", "ended_at", "question_deadline", "paused_remaining_ms")
    if log:
        _log(contest, ContestAction.Kind.END, actor)
    contest_id = contest.pk
    transaction.on_commit(lambda: _count_reach(contest_id))
    ended, standings = ended_frames(contest)
    return Announcement(contest.pk, host=[ended], players=[ended, standings])


def _count_reach(contest_id):
    """Queue the ledger's update: thousands of players must not hold up the
    podium. The results page can run it again (it is idempotent)."""
    from quizzes.tasks import record_contest_reach

    try:
        record_contest_reach.enqueue(contest_id)
    except Exception:  # the contest has ended all the same; the results page retries
        logger.exception("counting contest %s in the reach ledger failed", contest_id)


HOST_ACTIONS = {
    "start": lambda contest_id, actor, frame: start_contest(
        contest_id=contest_id, actor=actor
    ),
    "next": lambda contest_id, actor, frame: next_step(
        contest_id=contest_id,
        actor=actor,
        expect_phase=frame.get("phase"),
        expect_question=frame.get("question"),
    ),
    "skip": lambda contest_id, actor, frame: skip_question(
        contest_id=contest_id, actor=actor, expect_question=frame.get("question")
    ),
    "pause": lambda contest_id, actor, frame: pause_question(
        contest_id=contest_id, actor=actor
    ),
    "resume": lambda contest_id, actor, frame: resume_question(
        contest_id=contest_id, actor=actor
    ),
    "kick": lambda contest_id, actor, frame: kick_player(
        contest_id=contest_id, player_id=frame.get("player"), actor=actor
    ),
    "end": lambda contest_id, actor, frame: end_contest(
        contest_id=contest_id, actor=actor
    ),
}


def host_action(*, contest_id, actor, action, frame=None):
    """Run one host control by name (``HOST_ACTIONS``) after checking who asks.
    Raises QuizError ``forbidden``, ``unknown_action`` or the action's own."""
    if action not in HOST_ACTIONS:
        raise QuizError("unknown_action", _("Unknown action."))
    frame = frame if isinstance(frame, dict) else {}
    for key in ("question", "player"):
        if frame.get(key) is not None and type(frame.get(key)) is not int:
            raise QuizError("bad_message", _("The message is incomplete."))
    if frame.get("phase") is not None and frame["phase"] not in Phase.values:
        raise QuizError("bad_message", _("The message is incomplete."))
    # Checked on the contest row the action locks (_locked): no second look-up,
    # and the check and the action see the same row.
    asking = _asking_host.set(actor if actor is not None else AnonymousUser())
    try:
        return HOST_ACTIONS[action](contest_id, actor, frame)
    finally:
        _asking_host.reset(asking)


# --- the clock ---------------------------------------------------------------------


def close_question_if_due(*, contest_id, now=None):
    """Close the open question if its deadline has passed (the lazy close, the
    timers' and the sweep's). Returns the reveal Announcement, or None when there
    was nothing to close (already closed by someone else, not due, paused)."""
    now = now or timezone.now()
    with transaction.atomic():
        contest = (
            Contest.objects.select_for_update()
            .filter(pk=contest_id, phase=Phase.QUESTION)
            .first()
        )
        if contest is None or contest.question_deadline is None:
            return None
        if now < contest.question_deadline + CLOSE_GRACE:
            return None
        return _close(contest, ContestAction.Kind.TIMER, None, now)


def close_due_questions(*, contest_ids=None, now=None):
    """The sweep: close every open question whose deadline passed (of these
    contests, or all). Returns the Announcements. Safe in several workers at once."""
    now = now or timezone.now()
    due = Contest.objects.filter(
        phase=Phase.QUESTION, question_deadline__lte=now - CLOSE_GRACE
    )
    if contest_ids is not None:
        due = due.filter(pk__in=list(contest_ids))
    announcements = []
    for contest_id in due.values_list("pk", flat=True):
        announcement = close_question_if_due(contest_id=contest_id, now=now)
        if announcement:
            announcements.append(announcement)
    return announcements


def end_stale_contests(*, now=None):
    """End contests nobody touched for ``STALE_AFTER`` (the host forgot "end"), so
    their PIN is free and their players reach the ledger. Returns the
    Announcements."""
    now = now or timezone.now()
    stale = Contest.objects.exclude(phase=Phase.ENDED).filter(
        started_at__isnull=False, updated_at__lte=now - STALE_AFTER
    )
    return [
        end_contest(contest_id=contest_id, actor=None)
        for contest_id in stale.values_list("pk", flat=True)
    ]


# --- answering -------------------------------------------------------------------


def answer_points(*, correct, elapsed_ms, seconds, speed_scoring, streak, streak_bonus):
    """``(points, bonus)`` of one answer (see the module's docstring)."""
    if not correct:
        return 0, 0
    if speed_scoring:
        limit = seconds * 1000
        elapsed = min(max(elapsed_ms, 0), limit)
        # Half up, as people round (Python's round() rounds half to even).
        points = math.floor(SPEED_BASE * (1 - elapsed / (2 * limit)) + 0.5)
    else:
        points = SPEED_BASE
    bonus = min(STREAK_STEP * (streak - 1), STREAK_CAP) if streak_bonus else 0
    return points, bonus


def _valid_choice(kind, choice, option_count):
    if not isinstance(choice, list) or not choice or len(choice) > option_count:
        return None
    if not all(type(i) is int and 0 <= i < option_count for i in choice):
        return None
    choice = sorted(set(choice))
    if kind != QuestionKind.MULTIPLE and len(choice) != 1:
        return None
    return choice


def _contest_for_answer(contest_id):
    """The contest row, held so that a close (SELECT … FOR UPDATE) waits for this
    answer's transaction, and this answer waits for a close in progress.

    On PostgreSQL answers take FOR KEY SHARE: compatible with each other (2,000
    phones answer at once without queueing) but not with the close's FOR UPDATE.
    SQLite runs one writing transaction at a time anyway."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        contest_table = quote(Contest._meta.db_table)
        paper_table = quote(
            Contest._meta.get_field("paper").related_model._meta.db_table
        )
        rows = list(
            Contest.objects.raw(
                f"SELECT c.*, p.seed AS paper_seed FROM {contest_table} c "
                f"JOIN {paper_table} p ON p.id = c.paper_id "
                "WHERE c.id = %s FOR KEY SHARE OF c",
                [contest_id],
            )
        )
        return rows[0] if rows else None
    return Contest.objects.select_related("paper").filter(pk=contest_id).first()


@dataclass
class Answered:
    answer: ContestAnswer
    created: bool


@dataclass(frozen=True)
class Submission:
    """One answer as a socket received it: ``received_at`` is the server's time
    of receipt, which the deadline and the speed score are judged by."""

    player_id: int
    question: object  # checked: must be an int
    choice: object
    received_at: dt.datetime


def submit_answer(*, player_id, question, choice, now=None):
    """Accept one answer (see ``submit_answers``); raise its refusal."""
    submission = Submission(player_id, question, choice, now or timezone.now())
    (outcome,) = submit_answers([submission])
    if isinstance(outcome, QuizError):
        raise outcome
    return outcome


def submit_answers(submissions):
    """Accept players' answers to the open question: each at most once. A resend
    (a phone double-submitting) gets the answer already saved, changed in nothing.

    Returns one outcome per submission, in order: ``Answered`` or the QuizError
    refusing it — ``bad_message``, ``removed``, ``not_open`` (no question is
    open), ``wrong_question`` (the answer names another question), ``paused``,
    ``too_late`` (received after the deadline) or ``bad_choice``. Correctness and
    points are decided now but told to nobody before the question closes.

    The answers of one contest are saved in one transaction: a worker that has
    received many at once (2,000 phones answering together) pays for one commit,
    not for one each.
    """
    outcomes = [None] * len(submissions)
    by_contest = {}
    valid_ids = [
        s.player_id for s in submissions if type(s.player_id) is int and s.player_id > 0
    ]
    contest_of = dict(
        ContestPlayer.objects.filter(pk__in=valid_ids).values_list("pk", "contest_id")
    )
    for index, submission in enumerate(submissions):
        if type(submission.question) is not int:
            outcomes[index] = QuizError(
                "bad_message", _("The answer message is incomplete.")
            )
        elif submission.player_id not in contest_of:
            outcomes[index] = QuizError("removed", REMOVED)
        else:
            contest_id = contest_of[submission.player_id]
            by_contest.setdefault(contest_id, []).append(index)
    for contest_id, indexes in by_contest.items():
        results = _submit_to_contest(contest_id, [submissions[i] for i in indexes])
        for index, outcome in zip(indexes, results, strict=True):
            outcomes[index] = outcome
    return outcomes


REMOVED = _("You were removed from this contest.")


def _submit_to_contest(contest_id, submissions):
    with transaction.atomic():
        contest = _contest_for_answer(contest_id)
        ids = sorted({s.player_id for s in submissions})
        # Players' rows in id order (the order every batch takes them in); only
        # their rows: the contest row is held by _contest_for_answer.
        players = {
            p.pk: p
            for p in ContestPlayer.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .only("pk", "kicked_at", "streak", "streak_until")
        }
        positions = {s.question for s in submissions}
        saved = {
            (a.player_id, a.position): a
            for a in ContestAnswer.objects.filter(
                player_id__in=ids, position__in=positions
            )
        }
        outcomes, new = [], []
        for submission in submissions:
            outcome = _judge(contest, players[submission.player_id], submission, saved)
            if isinstance(outcome, ContestAnswer):
                # A second copy in this batch (a double tap) finds it here.
                saved[(outcome.player_id, outcome.position)] = outcome
                new.append(outcome)
                outcome = Answered(outcome, True)
            outcomes.append(outcome)
        if new:
            ContestAnswer.objects.bulk_create(new)
            _add_to_totals(new)
        return outcomes


def _judge(contest, player, submission, saved):
    """A new ContestAnswer (not yet saved), the saved one (``Answered``), or the
    QuizError refusing the submission."""
    question = submission.question
    if player.kicked_at:
        return QuizError("removed", REMOVED)
    existing = saved.get((player.pk, question))
    if existing is not None:
        return Answered(existing, False)
    if contest.phase != Phase.QUESTION or question != contest.current:
        if question == contest.current and contest.phase == Phase.REVEAL:
            return QuizError("too_late", TOO_LATE)
        if contest.phase != Phase.QUESTION:
            return QuizError("not_open", _("No question is open now."))
        return QuizError("wrong_question", _("This question is not the one open now."))
    if contest.question_deadline is None:
        return QuizError("paused", _("The contest is paused; wait a moment."))
    received = submission.received_at
    if received > contest.question_deadline:
        return QuizError("too_late", TOO_LATE)
    view = contest_question(contest, question)
    valid = _valid_choice(view.kind, submission.choice, len(view.options))
    if valid is None:
        return QuizError("bad_choice", _("This answer is not one of the options."))
    correct = valid == list(view.keys)
    streak = 0
    if correct:
        continuing = player.streak and player.streak_until == question - 1
        streak = player.streak + 1 if continuing else 1
        # Later answers of this batch by the same player see this one.
        player.streak, player.streak_until = streak, question
    elapsed = max(
        0, int((received - contest.question_opened_at).total_seconds() * 1000)
    )
    points, bonus = answer_points(
        correct=correct,
        elapsed_ms=elapsed,
        seconds=contest.seconds_per_question,
        speed_scoring=contest.speed_scoring,
        streak=streak,
        streak_bonus=contest.streak_bonus,
    )
    answer = ContestAnswer(
        contest_id=contest.pk,
        player_id=player.pk,
        position=question,
        choice=valid,
        received_at=received,
        elapsed_ms=elapsed,
        correct=correct,
        points=points,
        bonus=bonus,
    )
    answer.streak = streak  # for the player's running totals
    return answer


TOO_LATE = _("Time is up for this question.")


def _add_to_totals(answers):
    """Add new answers (one per player: only the open question is answered) to
    their players' running totals: one UPDATE for all."""
    total = models.PositiveIntegerField()
    small = models.PositiveSmallIntegerField()
    gained = Case(
        *(When(pk=a.player_id, then=Value(a.points + a.bonus)) for a in answers),
        default=Value(0),
        output_field=total,
    )
    right = [a for a in answers if a.correct]
    updates = {"score": F("score") + gained}
    if right:
        updates["correct_count"] = F("correct_count") + Case(
            *(When(pk=a.player_id, then=Value(1)) for a in right),
            default=Value(0),
            output_field=small,
        )
        updates["streak"] = Case(
            *(When(pk=a.player_id, then=Value(a.streak)) for a in right),
            default=F("streak"),
            output_field=small,
        )
        updates["streak_until"] = Case(
            *(When(pk=a.player_id, then=Value(a.position)) for a in right),
            default=F("streak_until"),
            output_field=small,
        )
    ContestPlayer.objects.filter(pk__in={a.player_id for a in answers}).update(
        **updates
    )


# --- after the contest ----------------------------------------------------------


def standings(contest):
    """Every player best first, the removed ones last: rank (None if removed),
    player, answers right, joined at which question."""
    players = list(
        contest.players.select_related("person", "team_place", "team_unit").order_by(
            F("kicked_at").asc(nulls_first=True), "-score", "joined_at", "pk"
        )
    )
    rows, rank, previous = [], 0, None
    for index, player in enumerate(players, start=1):
        if player.kicked_at is None and player.score != previous:
            rank, previous = index, player.score
        rows.append(
            {
                "rank": None if player.kicked_at else rank,
                "player": player,
                "team": _team_name(player),
                "phone": player.person.phone_masked if player.person_id else "",
            }
        )
    return rows


def question_figures(contest):
    """Per question: stem, right letters, answered, right, mean seconds taken
    (one aggregate query over the answers)."""
    counted = ContestAnswer.objects.filter(
        contest=contest, player__kicked_at__isnull=True
    )
    figures = {
        row["position"]: row
        for row in counted.values("position").annotate(
            answered=Count("pk"),
            right=Count("pk", filter=Q(correct=True)),
            mean_ms=Avg("elapsed_ms"),
        )
    }
    items = PaperQuestion.objects.filter(paper_id=contest.paper_id).select_related(
        "version"
    )
    rows = []
    for item in items.order_by("position"):
        row = figures.get(item.position, {})
        rows.append(
            {
                "position": item.position,
                "stem": item.version.stem,
                "key": "".join(OPTION_LETTERS[i] for i in displayed_keys(item)),
                "answered": row.get("answered", 0),
                "right": row.get("right", 0),
                "mean_seconds": round((row.get("mean_ms") or 0) / 1000, 1),
                "played": item.position <= contest.current,
            }
        )
    return rows


def results_xlsx(contest):
    """The contest's results as an xlsx workbook: players, then questions."""
    from pufa.xlsx import Sheet, workbook_bytes

    players = Sheet(
        title=_("Players"),
        note=f"{contest.title} · {contest.pin}",
        header=[
            _("Rank"),
            _("Nickname"),
            _("Team"),
            _("Score"),
            _("Right answers"),
            _("Phone"),
            _("Joined at question"),
            _("Removed"),
        ],
        widths={"B": 18, "C": 18, "F": 14},
    )
    for row in standings(contest):
        player = row["player"]
        players.rows.append(
            [
                row["rank"] or "",
                player.nickname,
                row["team"],
                player.score,
                player.correct_count,
                row["phone"],
                player.joined_at_question or "",
                _("yes") if player.kicked_at else "",
            ]
        )
    questions = Sheet(
        title=_("Questions"),
        header=[
            _("No."),
            _("Question"),
            _("Right answer"),
            _("Answered"),
            _("Right"),
            _("Mean seconds"),
        ],
        widths={"B": 60},
    )
    for row in question_figures(contest):
        questions.rows.append(
            [
                row["position"],
                row["stem"],
                row["key"],
                row["answered"],
                row["right"],
                row["mean_seconds"],
            ]
        )
    return workbook_bytes([players, questions])


__all__ = [
    "Announcement",
    "answer_points",
    "close_due_questions",
    "close_question_if_due",
    "contest_for_pin",
    "create_contest",
    "end_contest",
    "host_action",
    "host_state",
    "join_contest",
    "kick_player",
    "next_step",
    "pause_question",
    "player_state",
    "prepare_contest",
    "question_figures",
    "results_xlsx",
    "resume_question",
    "skip_question",
    "standings",
    "start_contest",
    "submit_answer",
]
