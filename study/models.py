"""学法档案: what a cadre studied (episodes heard, practice papers, the review list)
and the versioned rules that turn study into points (学法积分).

Lectures and exams are not copied here: they are read from the reach ledger
(``events.Attendance`` of a person) and the exam engine (``quizzes.Candidate``).
Points are not stored either: ``study.services.points`` derives them, line by line,
from these rows and the rule version valid on each day, so changing the rules
recomputes a year and every line names its rule version and its activity.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Timestamped


class StudyProfile(Timestamped):
    """A cadre who signed in to study, and their listening clock.

    ``listening_until`` is the latest moment already credited as listening: two tabs
    playing at once cannot earn more than the real time that passed.
    """

    person = models.OneToOneField(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="study_profile",
    )
    listening_until = models.DateTimeField(
        _("listening credited until"), null=True, blank=True
    )
    last_sign_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("study profile")
        verbose_name_plural = _("study profiles")
        permissions = [
            ("view_study_report", _("Can view study records and reports")),
        ]

    def __str__(self):
        return str(self.person)


class PointsRuleSet(models.Model):
    """One version of the study-points rules, valid from a date.

    Never edited: a change is a new version (``study.services.rules``). On a given
    day the rules are those of the highest version valid from that day or before.
    """

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    valid_from = models.DateField(
        _("valid from"),
        help_text=_(
            "The rules apply to study on this day and after, until a later version "
            "takes over. A version valid from 1 January recomputes the whole year."
        ),
    )
    episode_points_per_minute = models.DecimalField(
        _("points per minute of an episode"), max_digits=5, decimal_places=2
    )
    episode_daily_cap = models.DecimalField(
        _("episode points per day, at most"), max_digits=6, decimal_places=1
    )
    lecture_points = models.DecimalField(
        _("points per law lecture (法治讲堂)"), max_digits=5, decimal_places=1
    )
    meeting_study_points = models.DecimalField(
        _("points per law study before a meeting (会前学法)"),
        max_digits=5,
        decimal_places=1,
    )
    thematic_lecture_points = models.DecimalField(
        _("points per thematic lecture (专题讲座)"), max_digits=5, decimal_places=1
    )
    practice_points = models.DecimalField(
        _("points per practice paper finished"), max_digits=5, decimal_places=1
    )
    practice_daily_limit = models.PositiveSmallIntegerField(
        _("practice papers that earn points per day"), default=3
    )
    note = models.CharField(_("reason for this version"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("study points rules")
        verbose_name_plural = _("study points rules")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(episode_points_per_minute__gte=0)
                & Q(episode_daily_cap__gte=0)
                & Q(lecture_points__gte=0)
                & Q(meeting_study_points__gte=0)
                & Q(thematic_lecture_points__gte=0)
                & Q(practice_points__gte=0),
                name="study_rules_not_negative",
            ),
        ]

    def __str__(self):
        return _("Rules v%(version)d (from %(date)s)") % {
            "version": self.version,
            "date": self.valid_from.isoformat(),
        }

    def points_for_event_type(self, key):
        """Points for attending an event of this type (key), or None if none."""
        field = EVENT_TYPE_POINTS.get(key)
        return getattr(self, field) if field else None


# Ledger event types (events.EventType.key) whose attendance earns study points.
EVENT_TYPE_POINTS = {
    "lecture": "lecture_points",
    "pre_meeting_study": "meeting_study_points",
    "thematic_lecture": "thematic_lecture_points",
}


class ListeningSession(models.Model):
    """One playing of an episode on one page (the page makes the id).

    The player's heartbeats move ``last_beat_at``; only the real time between two
    beats while the recording plays on a visible page is credited
    (``study.services.listening``).
    """

    client_id = models.UUIDField(_("client id"), unique=True)
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="listening_sessions",
    )
    episode = models.ForeignKey(
        "cms.EpisodePage",
        verbose_name=_("episode"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    last_beat_at = models.DateTimeField(_("last heartbeat"))
    playing = models.BooleanField(_("playing"), default=True)
    beats = models.PositiveIntegerField(_("heartbeats"), default=0)
    seconds = models.PositiveIntegerField(_("seconds credited"), default=0)

    class Meta:
        verbose_name = _("listening session")
        verbose_name_plural = _("listening sessions")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.person_id} · {self.episode_id} · {self.seconds}s"


class ListeningDay(models.Model):
    """The seconds of one episode a person was credited on one day (China time)."""

    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="listening_days",
    )
    episode = models.ForeignKey(
        "cms.EpisodePage",
        verbose_name=_("episode"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    episode_label = models.CharField(_("episode"), max_length=255)
    day = models.DateField(_("day"))
    seconds = models.PositiveIntegerField(_("seconds"), default=0)
    # Order within a day: the daily cap is reached by the later episodes.
    first_at = models.DateTimeField(_("first credited at"))

    class Meta:
        verbose_name = _("listening day")
        verbose_name_plural = _("listening days")
        ordering = ["day", "first_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "episode", "day"], name="study_listening_day_once"
            )
        ]
        indexes = [models.Index(fields=["person", "day"])]

    def __str__(self):
        return f"{self.person_id} · {self.episode_label} · {self.day} · {self.seconds}s"


class PracticeSession(models.Model):
    """A practice paper drawn for a cadre (no proctor, instant feedback), or a round
    of the review list (错题本)."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice paper")
        REVIEW = "review", _("Review of wrong answers")

    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="practice_sessions",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.PRACTICE
    )
    law = models.ForeignKey(
        "cms.Law",
        verbose_name=_("law"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    law_label = models.CharField(_("law"), max_length=128, blank=True)
    seed = models.BigIntegerField(_("seed"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions"), default=0)
    answered_count = models.PositiveSmallIntegerField(_("answered"), default=0)
    correct_count = models.PositiveSmallIntegerField(_("right"), default=0)

    class Meta:
        verbose_name = _("practice paper")
        verbose_name_plural = _("practice papers")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["person", "finished_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.law_label} · {self.person_id}"

    @property
    def is_finished(self):
        return self.finished_at is not None


class PracticeItem(models.Model):
    """A question of a practice paper, as the cadre saw it and answered it."""

    session = models.ForeignKey(
        PracticeSession,
        verbose_name=_("practice paper"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(
        "quizzes.Question",
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.ForeignKey(
        "quizzes.QuestionVersion",
        verbose_name=_("question version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    option_order = models.JSONField(_("option order"), default=list)
    choice = models.JSONField(_("choice"), default=list)  # displayed indexes
    correct = models.BooleanField(_("right"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("practice question")
        verbose_name_plural = _("practice questions")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="study_practice_item_position"
            ),
            models.UniqueConstraint(
                fields=["session", "question"], name="study_practice_item_no_repeat"
            ),
        ]

    def __str__(self):
        return f"{self.session_id} · {self.position}"


class ReviewItem(Timestamped):
    """错题本: a question the cadre answered wrong, replayed until answered right."""

    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="review_items",
    )
    question = models.ForeignKey(
        "quizzes.Question",
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    wrong_count = models.PositiveIntegerField(_("times answered wrong"), default=0)
    last_wrong_at = models.DateTimeField(_("last answered wrong"))
    cleared_at = models.DateTimeField(_("answered right at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review list entry")
        verbose_name_plural = _("review list")
        ordering = ["-last_wrong_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "question"], name="study_review_item_once"
            )
        ]

    def __str__(self):
        return f"{self.person_id} · {self.question_id}"

    @property
    def is_open(self):
        return self.cleared_at is None


ZERO = Decimal(0)
