"""The exam bank: questions tied to law articles, their frozen versions, blueprints
(组卷规则) and the papers drawn from them.

A ``Question`` is what authors edit. Whatever a candidate is shown comes from a
``QuestionVersion``: a frozen copy of the question's content. Editing a question
that a paper has used makes a new version; the paper keeps the version it drew.
Correct keys live only on ``QuestionVersion``/``QuestionOption``; the candidate's
view of a paper (``quizzes.services.papers.candidate_paper``) never includes them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.models import Orderable, PreviewableMixin

from org.models import Timestamped

MIN_OPTIONS = 2
MAX_OPTIONS = 8
OPTION_LETTERS = "ABCDEFGH"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Topic(models.Model):
    """A topic tag of questions (e.g. 国家机构, 侵权责任); blueprints may draw by it."""

    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        verbose_name = pgettext_lazy("question", "topic")
        verbose_name_plural = pgettext_lazy("question", "topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Question(PreviewableMixin, ClusterableModel, Timestamped):
    kind = models.CharField(
        _("type"), max_length=16, choices=QuestionKind.choices, db_index=True
    )
    stem = models.TextField(
        _("stem"), help_text=_("The question as candidates read it.")
    )
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("解析: why the answer is right, shown after the paper closes."),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (easy) to 5 (hard)."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=QuestionStatus.choices,
        default=QuestionStatus.DRAFT,
        db_index=True,
    )
    shuffle_options = models.BooleanField(
        _("shuffle options"),
        default=True,
        help_text=_(
            "Show the options in a different order to each candidate. "
            "True/false questions are never shuffled."
        ),
    )
    articles = ParentalManyToManyField(
        "cms.LawArticle",
        verbose_name=_("cited law articles"),
        related_name="questions",
        blank=True,
    )
    topics = ParentalManyToManyField(
        Topic,
        verbose_name=pgettext_lazy("question", "topics"),
        related_name="questions",
        blank=True,
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        db_index=True,
        editable=False,
        help_text=_(
            "待复核: a cited law or article was amended or repealed. Papers do not "
            "draw the question until a reviewer clears it."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="authored_questions",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="reviewed_questions",
    )
    reviewed_at = models.DateTimeField(
        _("reviewed at"), null=True, blank=True, editable=False
    )
    # The stem reduced to letters and digits: likely duplicates share it.
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    # How many papers drew the question: draws take the least used first.
    times_drawn = models.PositiveIntegerField(
        _("times drawn"), default=0, editable=False
    )
    current_version = models.ForeignKey(
        "QuestionVersion",
        verbose_name=_("current version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("difficulty")]),
        FieldPanel("stem"),
        InlinePanel(
            "options",
            label=_("Options"),
            heading=_("Options and the correct key"),
            min_num=MIN_OPTIONS,
            max_num=MAX_OPTIONS,
        ),
        FieldPanel("shuffle_options"),
        FieldPanel("explanation"),
        MultiFieldPanel(
            [FieldPanel("articles"), FieldPanel("topics")],
            heading=_("Law basis and topics"),
        ),
        FieldPanel("status"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-updated_at", "-pk"]
        permissions = [
            ("publish_question", _("Can activate and retire questions")),
            ("review_question", _("Can clear the needs-review flag of questions")),
            ("import_question", _("Can import questions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1) & Q(difficulty__lte=5),
                name="quizzes_question_difficulty_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "needs_review"])]

    def __str__(self):
        stem = " ".join(self.stem.split())
        return stem if len(stem) <= 60 else f"{stem[:59]}…"

    # Wagtail preview: the question as a candidate sees it, and with its key.
    @property
    def preview_modes(self):
        return [("", _("As the candidate sees it")), ("key", _("With key"))]

    def get_preview_template(self, request, mode_name):
        return "quizzes/question_preview.html"

    def get_preview_context(self, request, mode_name):
        options = list(self.options.all())
        return {
            **super().get_preview_context(request, mode_name),
            "question": self,
            "options": [
                {"letter": OPTION_LETTERS[i], "text": o.text, "correct": o.is_correct}
                for i, o in enumerate(options)
            ],
            "show_key": mode_name == "key",
            "input_type": "checkbox" if self.kind == QuestionKind.MULTIPLE else "radio",
        }


class QuestionOption(Orderable):
    question = ParentalKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="options",
    )
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct")])]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text


class QuestionVersion(models.Model):
    """The frozen content of a question as papers draw it. Never edited once a
    paper points at it (``quizzes.services.bank.sync_version``)."""

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    stem = models.TextField(_("stem"))
    options = models.JSONField(_("options"), default=list)  # option texts, in order
    keys = models.JSONField(_("correct keys"), default=list)  # indexes into options
    explanation = models.TextField(_("explanation"), blank=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"))
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    articles = models.ManyToManyField(
        "cms.LawArticle",
        verbose_name=_("cited law articles"),
        related_name="question_versions",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="quizzes_version_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.question} · v{self.number}"


class QuestionFlag(models.Model):
    """Why a question was marked 待复核, and who cleared it (kept as history)."""

    class Reason(models.TextChoices):
        ARTICLE_AMENDED = "article_amended", _("A cited article was amended")
        ARTICLE_REPEALED = "article_repealed", _("A cited article was repealed")
        ARTICLE_TEXT_CHANGED = (
            "article_text_changed",
            _("The text of a cited article changed"),
        )
        LAW_AMENDED = "law_amended", _("A cited law was amended")
        LAW_REPEALED = "law_repealed", _("A cited law was repealed")

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="flags",
    )
    article = models.ForeignKey(
        "cms.LawArticle",
        verbose_name=_("law article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.question} · {self.get_reason_display()}"


class Blueprint(ClusterableModel, Timestamped):
    """组卷规则: which questions a paper draws, and what each is worth."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    description = models.TextField(_("description"), blank=True)
    total_points = models.DecimalField(
        _("total points"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Must equal the sum of the rules' questions × points."),
    )
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("total_points"), FieldPanel("pass_mark")]),
        InlinePanel("rules", label=_("Rules"), heading=_("Rules"), min_num=1),
    ]

    class Meta:
        verbose_name = _("blueprint")
        verbose_name_plural = _("blueprints")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0)
                & Q(pass_mark__lte=models.F("total_points")),
                name="quizzes_blueprint_pass_mark_within_total",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def question_count(self):
        return sum(rule.count for rule in self.rules.all())


class BlueprintRule(Orderable, ClusterableModel):
    """ "N questions of a type, from these laws (or the must-know list), at this
    difficulty, with these topics, worth P points each"."""

    blueprint = ParentalKey(
        Blueprint,
        verbose_name=_("blueprint"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    count = models.PositiveIntegerField(
        _("number of questions"), validators=[MinValueValidator(1)]
    )
    points = models.DecimalField(
        _("points per question"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    laws = ParentalManyToManyField(
        "cms.Law",
        verbose_name=_("from laws"),
        related_name="blueprint_rules",
        blank=True,
        help_text=_("Questions citing an article of one of these laws."),
    )
    must_know_list = models.ForeignKey(
        "cms.MustKnowList",
        verbose_name=_("from the must-know list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blueprint_rules",
        help_text=_("Questions citing any law on this list."),
    )
    min_difficulty = models.PositiveSmallIntegerField(
        _("lowest difficulty"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    max_difficulty = models.PositiveSmallIntegerField(
        _("highest difficulty"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    topics = ParentalManyToManyField(
        Topic,
        verbose_name=_("with topics"),
        related_name="blueprint_rules",
        blank=True,
        help_text=_("Questions with any of these topics; leave empty for any."),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("count"), FieldPanel("points")]),
        FieldPanel("laws"),
        FieldPanel("must_know_list"),
        FieldRowPanel([FieldPanel("min_difficulty"), FieldPanel("max_difficulty")]),
        FieldPanel("topics"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("blueprint rule")
        verbose_name_plural = _("blueprint rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_difficulty__lte=models.F("max_difficulty")),
                name="quizzes_rule_difficulty_range",
            ),
        ]

    def __str__(self):
        return f"{self.count} × {self.get_kind_display()}"


class Paper(models.Model):
    """The questions drawn for one candidate (or one shared paper), in order:
    drawn from a blueprint, or hand-picked (``services.papers.selected_paper``).

    ``seed`` drives the draw and the option shuffles: with the same bank and the
    same seed the same paper comes out. A shared paper's candidates each get a
    paper of their own with ``shared_from`` set: same questions, own option order.
    """

    blueprint = models.ForeignKey(
        Blueprint,
        verbose_name=_("blueprint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
        help_text=_("Empty for a paper of hand-picked questions (a contest's)."),
    )
    candidate = models.ForeignKey(
        "org.Person",
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
    )
    shared_from = models.ForeignKey(
        "self",
        verbose_name=_("shared paper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )
    seed = models.BigIntegerField(_("seed"))
    total_points = models.DecimalField(
        _("total points"), max_digits=6, decimal_places=2
    )
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        who = self.candidate or _("shared")
        source = self.blueprint or _("selected questions")
        return f"{source} · {who} · #{self.pk}"


class PaperQuestion(models.Model):
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("paper"),
        on_delete=models.CASCADE,
        related_name="items",
        db_index=False,  # the (paper, position) constraint's index serves
    )
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="paper_items",
    )
    version = models.ForeignKey(
        QuestionVersion,
        verbose_name=_("question version"),
        on_delete=models.PROTECT,
        related_name="paper_items",
    )
    rule_position = models.PositiveSmallIntegerField(_("rule"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    # The candidate sees option option_order[0] first, …: indexes into the
    # version's options.
    option_order = models.JSONField(_("option order"), default=list)

    class Meta:
        verbose_name = _("paper question")
        verbose_name_plural = _("paper questions")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"], name="quizzes_paperquestion_position"
            ),
            models.UniqueConstraint(
                fields=["paper", "question"], name="quizzes_paperquestion_no_repeat"
            ),
        ]

    def __str__(self):
        return f"{self.paper_id} · {self.position}"


class QuestionImport(models.Model):
    """One upload: what it held, what was wrong with it, and whether it was
    committed. The preview shows it; the confirm step commits exactly it."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Waiting for confirmation")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="question_imports",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=16)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    target_status = models.CharField(
        _("import as"),
        max_length=16,
        choices=QuestionStatus.choices,
        default=QuestionStatus.DRAFT,
    )
    # The parsed questions and the report of the preview (see services.imports).
    questions = models.JSONField(_("questions"), default=list)
    report = models.JSONField(_("report"), default=dict)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("questions imported"), default=0)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"


__all__ = [
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "OPTION_LETTERS",
    "Blueprint",
    "BlueprintRule",
    "Paper",
    "PaperQuestion",
    "Question",
    "QuestionFlag",
    "QuestionImport",
    "QuestionKind",
    "QuestionOption",
    "QuestionStatus",
    "QuestionVersion",
    "Topic",
]
