"""Live quiz contests at publicity events (Kahoot-style), on the exam engine.

A contest plays one shared ``Paper`` (drawn from a blueprint or hand-picked) one
question at a time. Its state — phase, current question, the server's deadline —
lives on the ``Contest`` row, so any worker can take over from one that died.
Answers are append-only rows, one per player per question (a unique constraint);
players' totals are kept incrementally on their rows so that the leaderboard is a
single ordered query. ``quizzes.services.contests`` holds every rule.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from org.models import Timestamped

MIN_SECONDS = 5
MAX_SECONDS = 120
PIN_LENGTH = 6
NICKNAME_MAX = 12
# Room for a disambiguating suffix: 小王(2).
NICKNAME_FIELD_MAX = NICKNAME_MAX + 6


class Contest(ClusterableModel, Timestamped):
    """One live quiz: its questions, its rules of play, and where it is now."""

    class Phase(models.TextChoices):
        LOBBY = "lobby", _("Waiting for players")
        QUESTION = "question", _("Question open")
        REVEAL = "reveal", _("Answer shown")
        LEADERBOARD = "leaderboard", _("Leaderboard")
        ENDED = "ended", _("Ended")

    class TeamMode(models.TextChoices):
        NONE = "", _("No teams")
        TOWNSHIP = "township", _("By township")
        UNIT = "unit", _("By unit")

    class Setting(models.TextChoices):
        IN_ROOM = "in_room", _("In the room (on site)")
        REMOTE = "remote", _("Remote (online)")

    title = models.CharField(_("title"), max_length=128)
    blueprint = models.ForeignKey(
        "quizzes.Blueprint",
        verbose_name=_("blueprint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contests",
        help_text=_("Draw the questions by these rules, or choose them below."),
    )
    paper = models.OneToOneField(
        "quizzes.Paper",
        verbose_name=_("paper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="contest",
    )
    pin = models.CharField(_("PIN"), max_length=PIN_LENGTH, editable=False)
    seconds_per_question = models.PositiveSmallIntegerField(
        _("seconds per question"),
        default=20,
        validators=[MinValueValidator(MIN_SECONDS), MaxValueValidator(MAX_SECONDS)],
    )
    speed_scoring = models.BooleanField(
        _("faster answers score more"),
        default=True,
        help_text=_(
            "On: a right answer scores 1000 at once, down to 500 at the last "
            "second. Off: every right answer scores 1000."
        ),
    )
    streak_bonus = models.BooleanField(
        _("streak bonus"),
        default=True,
        help_text=_(
            "100 extra points for each right answer in a row after the first, at "
            "most 500. Turn off for a contest where only knowledge should count."
        ),
    )
    team_mode = models.CharField(
        _("teams"),
        max_length=16,
        choices=TeamMode.choices,
        default=TeamMode.NONE,
        blank=True,
        help_text=_("Players choose their team when joining; a team scores the mean."),
    )
    late_join_until = models.PositiveSmallIntegerField(
        _("late joining until question"),
        default=2,
        help_text=_(
            "Players may still join while this question is being played "
            "(0: only before the first question)."
        ),
    )
    setting = models.CharField(
        _("played"),
        max_length=16,
        choices=Setting.choices,
        default=Setting.IN_ROOM,
        help_text=_(
            "Counted in the reach ledger as on-site (实体) or online (网络) reach."
        ),
    )
    county = models.ForeignKey(
        "org.Place",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contests",
        limit_choices_to={"kind": "county"},
        help_text=_("Leave empty for prefecture-level contests."),
    )
    township = models.ForeignKey(
        "org.Place",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="township_contests",
        limit_choices_to={"kind": "township"},
    )
    venue = models.CharField(_("venue"), max_length=128, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="contests",
    )

    phase = models.CharField(
        _("phase"),
        max_length=16,
        choices=Phase.choices,
        default=Phase.LOBBY,
        editable=False,
    )
    current = models.PositiveSmallIntegerField(
        _("current question"), default=0, editable=False
    )
    # When the current question opened, moved on by the length of any pause, so
    # that "now - question_opened_at" is always the time it has been open.
    question_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The server's deadline of the open question (empty while paused).
    question_deadline = models.DateTimeField(null=True, blank=True, editable=False)
    paused_remaining_ms = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reach_recorded_at = models.DateTimeField(
        _("counted in the ledger at"), null=True, blank=True, editable=False
    )

    county_scope_field = "county"

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A PIN names one contest that players can still join or watch.
            models.UniqueConstraint(
                fields=["pin"],
                condition=~Q(phase="ended"),
                name="quizzes_contest_pin_unique_while_live",
            ),
            models.CheckConstraint(
                condition=Q(seconds_per_question__gte=MIN_SECONDS)
                & Q(seconds_per_question__lte=MAX_SECONDS),
                name="quizzes_contest_seconds_range",
            ),
            models.CheckConstraint(
                condition=~Q(phase="question")
                | Q(question_deadline__isnull=False)
                | Q(paused_remaining_ms__isnull=False),
                name="quizzes_contest_open_question_has_deadline",
            ),
        ]
        indexes = [models.Index(fields=["phase", "question_deadline"])]

    def __str__(self):
        return self.title

    @property
    def is_live(self):
        return self.phase != self.Phase.ENDED

    @property
    def is_paused(self):
        return self.phase == self.Phase.QUESTION and self.question_deadline is None


class ContestSelection(Orderable):
    """A hand-picked question of a contest, in the order it is played."""

    contest = ParentalKey(
        Contest,
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="selections",
    )
    question = models.ForeignKey(
        "quizzes.Question",
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="contest_selections",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("chosen question")
        verbose_name_plural = _("chosen questions")

    def __str__(self):
        return f"{self.contest} · {self.question}"


class ContestPlayer(models.Model):
    """A phone in the contest: a nickname, no account. ``token_hash`` recognises
    the same browser when it reconnects; ``person`` is set only when the player
    gave a phone number (kept as a keyed hash by ``org.services``)."""

    contest = models.ForeignKey(
        Contest,
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="players",
    )
    nickname = models.CharField(_("nickname"), max_length=NICKNAME_FIELD_MAX)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contest_players",
    )
    team_place = models.ForeignKey(
        "org.Place",
        verbose_name=_("team (township)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contest_players",
    )
    team_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("team (unit)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contest_players",
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    joined_at_question = models.PositiveSmallIntegerField(
        _("joined at question"), default=0
    )
    kicked_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Running totals, changed only with a new answer row (services.contests).
    score = models.PositiveIntegerField(_("score"), default=0)
    correct_count = models.PositiveSmallIntegerField(_("right answers"), default=0)
    streak = models.PositiveSmallIntegerField(_("streak"), default=0)
    streak_until = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("player")
        verbose_name_plural = _("players")
        ordering = ["contest_id", "-score", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "nickname"], name="quizzes_player_unique_nickname"
            ),
            models.UniqueConstraint(
                fields=["contest", "person"],
                condition=Q(person__isnull=False),
                name="quizzes_player_one_per_person",
            ),
        ]
        indexes = [models.Index(fields=["contest", "-score", "joined_at"])]

    def __str__(self):
        return self.nickname

    @property
    def team_id(self):
        return self.team_place_id or self.team_unit_id


class ContestAnswer(models.Model):
    """One accepted answer: at most one per player per question, never changed."""

    contest = models.ForeignKey(
        Contest,
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    player = models.ForeignKey(
        ContestPlayer,
        verbose_name=_("player"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    position = models.PositiveSmallIntegerField(_("question"))
    choice = models.JSONField(_("choice"), default=list)  # displayed option indexes
    received_at = models.DateTimeField(_("received at"))
    elapsed_ms = models.PositiveIntegerField(_("time taken (ms)"))
    correct = models.BooleanField(_("right"))
    points = models.PositiveIntegerField(_("points"))
    bonus = models.PositiveIntegerField(_("streak bonus"), default=0)

    class Meta:
        verbose_name = _("contest answer")
        verbose_name_plural = _("contest answers")
        ordering = ["contest_id", "position", "received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["player", "position"], name="quizzes_answer_once_per_question"
            ),
        ]
        indexes = [models.Index(fields=["contest", "position"])]

    def __str__(self):
        return f"{self.player} · {self.position}"


class ContestAction(models.Model):
    """Append-only log of what the host (or the server's timer) did."""

    class Kind(models.TextChoices):
        START = "start", _("Started")
        NEXT = "next", _("Next")
        SKIP = "skip", _("Question ended early")
        TIMER = "timer", _("Time up")
        PAUSE = "pause", _("Paused")
        RESUME = "resume", _("Resumed")
        KICK = "kick", _("Player removed")
        END = "end", _("Ended")

    contest = models.ForeignKey(
        Contest,
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("question"), default=0)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contest action")
        verbose_name_plural = _("contest actions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.contest} · {self.get_kind_display()}"


__all__ = [
    "NICKNAME_MAX",
    "PIN_LENGTH",
    "Contest",
    "ContestAction",
    "ContestAnswer",
    "ContestPlayer",
    "ContestSelection",
]
