"""Lectures: 法治讲堂·逢九必讲, 会前学法 before government meetings, 专题讲座."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.models.base import PublicPageMixin
from cms.models.citations import ArticleCitation
from cms.models.episodes import MediaFieldsMixin
from org.models import Timestamped


class LectureIndexPage(PublicPageMixin, Page):
    """The lecture calendar: upcoming sessions by month, then the past ones."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LectureSeriesPage"]
    max_count = 1

    class Meta:
        verbose_name = _("lecture calendar")
        verbose_name_plural = _("lecture calendars")

    def __str__(self):
        return self.title

    def summary(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        from cms.services.lectures import lecture_calendar

        context = super().get_context(request, *args, **kwargs)
        context["calendar"] = lecture_calendar(
            series_slug=request.GET.get("series") or None
        )
        context["series_list"] = LectureSeriesPage.objects.live().public()
        return context


class LectureSeriesPage(PublicPageMixin, Page):
    class Kind(models.TextChoices):
        NINE_DAYS = "nine_days", _("Law Lecture Hall on every day with a nine")
        BEFORE_MEETINGS = "before_meetings", _("Law study before standing meetings")
        THEMATIC = "thematic", _("Thematic lectures")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("kind"), FieldPanel("intro")]
    parent_page_types = ["cms.LectureIndexPage"]
    subpage_types = ["cms.LecturePage"]
    max_count = len(Kind.choices)

    class Meta:
        verbose_name = _("lecture series")
        verbose_name_plural = _("lecture series")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], name="cms_lectureseries_one_per_kind"
            )
        ]

    def __str__(self):
        return self.title

    def summary(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lectures = (
            LecturePage.objects.live()
            .public()
            .child_of(self)
            .select_related("place__parent")
        )
        now = timezone.now()
        context["upcoming"] = lectures.filter(ends_at__gte=now).order_by("starts_at")
        context["past"] = lectures.filter(ends_at__lt=now).order_by("-starts_at")[:60]
        return context


class LecturePage(PublicPageMixin, MediaFieldsMixin, Page):
    speaker = models.CharField(_("speaker"), max_length=64)
    speaker_title = models.CharField(
        _("speaker's position"), max_length=128, blank=True
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=128)
    place = models.ForeignKey(
        "org.Place",
        verbose_name=_("county or township"),
        on_delete=models.PROTECT,
        related_name="lectures",
    )
    topic = models.CharField(_("topic"), max_length=128)
    summary = RichTextField(
        _("summary"), blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("Keep the page and tick this: calendars then show it cancelled."),
    )
    slides = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("slides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recording = models.FileField(
        _("recording"),
        upload_to="lectures/%Y/",
        blank=True,
        max_length=255,
        help_text=_("MP3, M4A/AAC, WAV or MP4."),
    )
    recording_mime = models.CharField(
        _("recording type"), max_length=64, blank=True, editable=False
    )
    recording_size = models.PositiveBigIntegerField(
        _("recording size (bytes)"), null=True, blank=True, editable=False
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("speaker"), FieldPanel("speaker_title")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("venue"), FieldPanel("place", widget=forms.Select)]),
        FieldPanel("topic"),
        FieldPanel("summary"),
        FieldPanel("cancelled"),
        InlinePanel("citations", label=_("Cited article"), heading=_("Cited articles")),
        MultiFieldPanel(
            [FieldPanel("slides"), FieldPanel("recording")], heading=_("Materials")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["cms.LectureSeriesPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="cms_lecture_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("The lecture must end after it starts.")}
            )
        self.inspect_new_uploads([("recording", ("audio", "video"))])

    @cached_property
    def cited(self):
        return [
            citation
            for citation in self.citations.select_related("article__law")
            if citation.article_id
        ]

    @property
    def series(self):
        return self.get_parent().specific

    def location(self):
        """Venue, township and county as one line."""
        parts = [self.venue]
        if self.place_id:
            place = self.place
            if place.parent_id and place.parent.kind == "county":
                parts.append(f"{place.parent.name}{place.name}")
            else:
                parts.append(place.name)
        return "，".join(parts)

    def search_text(self):
        from cms.services.search import segment

        parts = [
            self.title,
            self.topic,
            self.speaker,
            self.speaker_title,
            self.venue,
            strip_tags(self.summary),
            " ".join(str(citation.article) for citation in self.cited),
        ]
        return segment("\n".join(part for part in parts if part))

    def share_description(self):
        starts = timezone.localtime(self.starts_at)
        return f"{self.topic} · {self.speaker} · {starts:%Y-%m-%d %H:%M}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["citations"] = self.cited
        context["upcoming"] = self.ends_at >= timezone.now()
        return context


class LectureCitation(ArticleCitation):
    lecture = ParentalKey(
        LecturePage,
        verbose_name=_("lecture"),
        on_delete=models.CASCADE,
        related_name="citations",
    )

    class Meta(ArticleCitation.Meta):
        verbose_name = _("cited article")
        verbose_name_plural = _("cited articles")


class LectureCalendarEntry(Timestamped):
    """What the calendar feed last said about a lecture.

    Kept apart from the page (and its revisions) so that the UID and SEQUENCE of a
    lecture survive edits, unpublishing and deletion: a calendar that subscribed
    learns of every change, and of a cancellation, instead of losing the event.
    """

    class Status(models.TextChoices):
        CONFIRMED = "CONFIRMED", _("Confirmed")
        CANCELLED = "CANCELLED", _("Cancelled")

    lecture = models.OneToOneField(
        LecturePage,
        verbose_name=_("lecture"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_entry",
    )
    uid = models.CharField(_("UID"), max_length=128, unique=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED
    )
    summary = models.CharField(_("summary"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    url = models.CharField(_("address"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("lecture calendar entry")
        verbose_name_plural = _("lecture calendar entries")
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.summary} ({self.uid})"
