"""The live exam: sittings (考场/场次), their rosters and tickets (准考证), attempts and
their answers, what proctors did, and certificates.

Every figure a result depends on is derived from rows that are only appended or
updated under a lock by ``quizzes.services.exams``: answers carry the client's
sequence number (a resend never goes backwards), proctor actions and score changes
are append-only logs.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.models import Orderable

from org.models import Timestamped

DEFAULT_SCORE_BANDS = [
    {"name": "优秀", "min": 90},
    {"name": "良好", "min": 80},
    {"name": "合格", "min": 60},
    {"name": "不合格", "min": 0},
]


def _valid_bands(bands):
    return isinstance(bands, list) and all(
        isinstance(b, dict) and "name" in b and isinstance(b.get("min"), int | float)
        for b in bands
    )


class ReviewWhen(models.TextChoices):
    """When a candidate may see one part of the review (Moodle's review matrix).

    Nothing is ever shown while the attempt is in progress: the candidate sees only
    the questions and their own saved answers.
    """

    NEVER = "never", _("Never")
    AFTER_ATTEMPT = "after_attempt", _("Right after submitting")
    AFTER_CLOSE = "after_close", _("After the sitting closes")


class Sitting(ClusterableModel, Timestamped):
    """One exam session: its paper rules, window, marks, review options, proctors."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not yet opened")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Counts(models.TextChoices):
        BEST = "best", _("Best attempt")
        LAST = "last", _("Last attempt")

    name = models.CharField(_("name"), max_length=128)
    blueprint = models.ForeignKey(
        "quizzes.Blueprint",
        verbose_name=_("blueprint"),
        on_delete=models.PROTECT,
        related_name="sittings",
        help_text=_("Used for candidates whose post level has no blueprint below."),
    )
    opens_at = models.DateTimeField(_("window opens"))
    closes_at = models.DateTimeField(_("window closes"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(1)]
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty to use the blueprint's pass mark."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1)]
    )
    attempt_counts = models.CharField(
        _("attempt that counts"),
        max_length=8,
        choices=Counts.choices,
        default=Counts.BEST,
    )
    partial_credit = models.BooleanField(
        _("partial credit for multiple choice"),
        default=False,
        help_text=_(
            "Off: a multiple-choice question scores only when every option is right. "
            "On: each right option earns its share; any wrong option scores zero."
        ),
    )
    score_bands = models.JSONField(
        _("score bands"),
        default=list,
        blank=True,
        help_text=_(
            'Highest first, e.g. [{"name": "优秀", "min": 90}, …] '
            "(minimum as a percentage of the total)."
        ),
    )
    review_score = models.CharField(
        _("show score"),
        max_length=16,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_ATTEMPT,
    )
    review_correctness = models.CharField(
        _("show which answers were right"),
        max_length=16,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_CLOSE,
    )
    review_right_answer = models.CharField(
        _("show the right answers"),
        max_length=16,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_CLOSE,
    )
    review_explanation = models.CharField(
        _("show explanations"),
        max_length=16,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_CLOSE,
    )
    focus_loss_limit = models.PositiveSmallIntegerField(
        _("leaving the page: limit"),
        default=0,
        help_text=_(
            "防切屏: after this many times leaving the page the paper is submitted "
            "(the candidate is warned one time before). 0 = no limit."
        ),
    )
    min_study_points = models.DecimalField(
        _("study points required"),
        max_digits=7,
        decimal_places=1,
        default=Decimal(0),
        help_text=_("学法积分 a candidate must have this year before starting."),
    )
    retake_of = models.ForeignKey(
        "self",
        verbose_name=_("retake of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retakes",
        help_text=_("补考: the sitting whose failed candidates this one re-examines."),
    )
    county = models.ForeignKey(
        "org.Place",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sittings",
        limit_choices_to={"kind": "county"},
        help_text=_("Leave empty for prefecture-level sittings."),
    )
    proctors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proctors"),
        related_name="proctored_sittings",
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    county_scope_field = "county"

    panels = [
        FieldPanel("name"),
        FieldPanel("blueprint"),
        InlinePanel(
            "level_blueprints",
            label=_("Blueprint for a post level"),
            heading=_("Blueprints by post level"),
        ),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldRowPanel(
            [
                FieldPanel("duration_minutes"),
                FieldPanel("pass_mark"),
                FieldPanel("attempts_allowed"),
                FieldPanel("attempt_counts"),
            ]
        ),
        FieldPanel("partial_credit"),
        FieldPanel("score_bands"),
        MultiFieldPanel(
            [
                FieldPanel("review_score"),
                FieldPanel("review_correctness"),
                FieldPanel("review_right_answer"),
                FieldPanel("review_explanation"),
            ],
            heading=_("What candidates may review, and when"),
        ),
        FieldRowPanel([FieldPanel("focus_loss_limit"), FieldPanel("min_study_points")]),
        FieldRowPanel([FieldPanel("retake_of"), FieldPanel("county")]),
        FieldPanel("proctors"),
    ]

    class Meta:
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="quizzes_sitting_window_order",
            ),
            models.CheckConstraint(
                condition=~Q(review_right_answer="after_attempt")
                & ~Q(review_explanation="after_attempt"),
                name="quizzes_sitting_answers_after_close",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The window must close after it opens.")
        for field in ("review_right_answer", "review_explanation"):
            if getattr(self, field) == ReviewWhen.AFTER_ATTEMPT:
                errors[field] = _(
                    "Right answers and explanations can be shown only after the "
                    "sitting closes: other candidates may still be answering."
                )
        if self.score_bands and not _valid_bands(self.score_bands):
            errors["score_bands"] = _(
                'Write the bands as [{"name": "优秀", "min": 90}, …].'
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.score_bands:
            self.score_bands = DEFAULT_SCORE_BANDS
        super().save(*args, **kwargs)

    @property
    def is_over(self):
        """Past the window or closed by a proctor: reviews "after close" apply."""
        return self.status == self.Status.CLOSED or timezone.now() >= self.closes_at

    def blueprint_for(self, post_level):
        for level in self.level_blueprints.all():
            if level.post_level == post_level:
                return level.blueprint
        return self.blueprint


class SittingBlueprint(Orderable):
    """A sitting's blueprint for one post level (e.g. 县处级 vs 科级)."""

    sitting = ParentalKey(
        Sitting, related_name="level_blueprints", on_delete=models.CASCADE
    )
    post_level = models.CharField(_("post level"), max_length=32)
    blueprint = models.ForeignKey(
        "quizzes.Blueprint",
        verbose_name=_("blueprint"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("blueprint for a post level")
        verbose_name_plural = _("blueprints for post levels")
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "post_level"],
                name="quizzes_sittingblueprint_one_per_level",
            )
        ]

    def __str__(self):
        return f"{self.post_level}: {self.blueprint}"


class Candidate(Timestamped):
    """A person on a sitting's roster, with their overrides."""

    sitting = models.ForeignKey(
        Sitting,
        verbose_name=_("sitting"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    post_level = models.CharField(_("post level"), max_length=32, blank=True)
    extra_minutes = models.PositiveSmallIntegerField(
        _("extra time (minutes)"), default=0
    )
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["sitting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "person"], name="quizzes_candidate_once_per_sitting"
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.sitting}"

    @property
    def attempts_allowed(self):
        return self.sitting.attempts_allowed + self.extra_attempts


class Ticket(models.Model):
    """准考证: a login code bound to one candidate of one sitting.

    Only a keyed hash of the code is kept; the code is printed once, on the PDF made
    when it is issued. Reissuing revokes the old ticket.
    """

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="tickets",
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("admission ticket")
        verbose_name_plural = _("admission tickets")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(revoked_at__isnull=True),
                name="quizzes_ticket_one_valid_per_candidate",
            )
        ]

    def __str__(self):
        return f"{self.candidate} · {self.issued_at:%Y-%m-%d %H:%M}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        GRADED = "graded", _("Graded")

    class SubmittedBy(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        DEADLINE = "deadline", _("Deadline")
        PROCTOR = "proctor", _("Proctor")
        FOCUS_LIMIT = "focus_limit", _("Left the page too often")

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    paper = models.OneToOneField(
        "quizzes.Paper",
        verbose_name=_("paper"),
        on_delete=models.PROTECT,
        related_name="attempt",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
        db_index=True,
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.CharField(
        _("submitted by"), max_length=16, choices=SubmittedBy.choices, blank=True
    )
    score = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    focus_losses = models.PositiveIntegerField(_("times left the page"), default=0)
    answered_count = models.PositiveSmallIntegerField(_("answered"), default=0)
    # The device that holds the attempt now: another device taking over is told.
    device = models.CharField(_("device"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["candidate", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "number"], name="quizzes_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status="in_progress"),
                name="quizzes_attempt_one_in_progress",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} · #{self.number}"

    @property
    def is_open(self):
        return self.status == self.Status.IN_PROGRESS


class AttemptAnswer(models.Model):
    """A candidate's current answer to one question of the paper.

    ``client_seq`` is the sequence number of the message that set it: a message
    with a lower or equal number (a resend, or an old queued message arriving late)
    changes nothing.
    """

    attempt = models.ForeignKey(
        Attempt,
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,  # the unique (attempt, position) index serves
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Indexes of the options as the candidate saw them (displayed order).
    choice = models.JSONField(_("choice"), default=list)
    client_seq = models.BigIntegerField(_("client sequence number"))
    saved_at = models.DateTimeField(_("saved at"))
    correct = models.BooleanField(_("correct"), null=True, blank=True)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quizzes_answer_one_per_position"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.position}: {self.choice}"


class FocusLoss(models.Model):
    """防切屏: the candidate's page reported being left (hidden or blurred)."""

    class Kind(models.TextChoices):
        HIDDEN = "hidden", _("Page hidden")
        BLUR = "blur", _("Window lost focus")

    attempt = models.ForeignKey(
        Attempt,
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="focus_events",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    client_at = models.DateTimeField(_("time on the device"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("leaving the page")
        verbose_name_plural = _("leaving the page")
        ordering = ["attempt", "received_at"]

    def __str__(self):
        return f"{self.attempt_id} · {self.kind} · {self.received_at:%H:%M:%S}"


class ProctorAction(models.Model):
    """Append-only log of what proctors (and the deadline sweeper) did."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Opened the sitting")
        CLOSE = "close", _("Closed the sitting")
        EXTEND = "extend", _("Extended time")
        FORCE_SUBMIT = "force_submit", _("Submitted a paper")
        READMIT = "readmit", _("Readmitted a candidate")
        REISSUE_TICKET = "reissue_ticket", _("Reissued a ticket")
        REVOKE_TICKET = "revoke_ticket", _("Revoked a ticket")
        NOTICE = "notice", _("Sent a notice")
        REGRADE = "regrade", _("Regraded after a key fix")
        ADD_CANDIDATES = "add_candidates", _("Added candidates")
        CARRY_FAILED = "carry_failed", _("Carried failed candidates to a retake")

    sitting = models.ForeignKey(
        Sitting,
        verbose_name=_("sitting"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
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
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("proctor action")
        verbose_name_plural = _("proctor actions")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M:%S}"


class ScoreChange(models.Model):
    """Append-only audit of every change of a graded attempt's score."""

    attempt = models.ForeignKey(
        Attempt,
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="score_changes",
    )
    old_score = models.DecimalField(
        _("old score"), max_digits=6, decimal_places=2, null=True
    )
    new_score = models.DecimalField(_("new score"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.attempt_id}: {self.old_score} → {self.new_score}"


class Certificate(models.Model):
    """A score certificate; its unguessable token opens the public verification page."""

    attempt = models.OneToOneField(
        Attempt,
        verbose_name=_("attempt"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    token = models.CharField(_("token"), max_length=43, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.attempt} · {self.issued_at:%Y-%m-%d}"


__all__ = [
    "DEFAULT_SCORE_BANDS",
    "Attempt",
    "AttemptAnswer",
    "Candidate",
    "Certificate",
    "FocusLoss",
    "ProctorAction",
    "ReviewWhen",
    "ScoreChange",
    "Sitting",
    "SittingBlueprint",
    "Ticket",
]
