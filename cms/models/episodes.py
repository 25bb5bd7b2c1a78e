"""The radio column “997说法时间” and its case-explanation (以案释法) episodes."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import AnalysisBlock, stream_plain_text
from cms.errors import CmsError
from cms.forms import EpisodePageForm
from cms.models.base import PublicPageMixin
from cms.models.citations import ArticleCitation

EPISODES_PER_PAGE = 10


class ColumnIndexPage(PublicPageMixin, Page):
    """The column: lists its episodes (filterable) and is the podcast's channel."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])
    broadcast_time = models.TimeField(
        _("broadcast time"),
        default=datetime.time(11, 0),
        help_text=_("When episodes go on air (China Standard Time)."),
    )
    podcast_author = models.CharField(
        _("podcast author"), max_length=128, default="博州普法办公室"
    )
    podcast_category = models.CharField(
        _("podcast category"),
        max_length=64,
        default="Government",
        help_text=_("An Apple Podcasts category, in English: Government, Education…"),
    )
    podcast_explicit = models.BooleanField(_("explicit content"), default=False)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Square, at least 1400×1400 pixels, for podcast apps."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("broadcast_time"),
        MultiFieldPanel(
            [
                FieldPanel("podcast_author"),
                FieldPanel("podcast_category"),
                FieldPanel("podcast_explicit"),
                FieldPanel("cover_image"),
            ],
            heading=_("Podcast"),
        ),
        InlinePanel("partners", label=_("Unit"), heading=_("Co-producing units")),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EpisodePage"]
    max_count = 1

    class Meta:
        verbose_name = _("episode column")
        verbose_name_plural = _("episode columns")

    def __str__(self):
        return self.title

    def summary(self):
        return strip_tags(self.intro)

    def episodes(self):
        return (
            EpisodePage.objects.live()
            .public()
            .filter(column=self)
            .order_by("-air_date", "-number")
        )

    def get_context(self, request, *args, **kwargs):
        from cms.services.episodes import episode_filters

        context = super().get_context(request, *args, **kwargs)
        filters = episode_filters(column=self, params=request.GET)
        paginator = Paginator(filters.queryset, EPISODES_PER_PAGE)
        try:
            page_of_episodes = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_of_episodes = paginator.page(1)
        except EmptyPage:
            page_of_episodes = paginator.page(paginator.num_pages)
        context.update(
            filters=filters,
            episodes=page_of_episodes,
            page_query=filters.query_string,
        )
        return context


class ColumnPartner(Orderable):
    """A unit that co-produces the column (the 45 units in the studio)."""

    column = ParentalKey(
        ColumnIndexPage,
        verbose_name=_("column"),
        on_delete=models.CASCADE,
        related_name="partners",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="column_partnerships",
    )

    panels = [FieldPanel("unit", widget=forms.Select)]

    class Meta(Orderable.Meta):
        verbose_name = _("co-producing unit")
        verbose_name_plural = _("co-producing units")
        constraints = [
            models.UniqueConstraint(
                fields=["column", "unit"], name="cms_columnpartner_unique_unit"
            )
        ]

    def __str__(self):
        return str(self.unit)


class EpisodeTopic(TaggedItemBase):
    content_object = ParentalKey(
        "cms.EpisodePage", on_delete=models.CASCADE, related_name="topic_items"
    )

    class Meta:
        verbose_name = _("episode topic")
        verbose_name_plural = _("episode topics")

    def __str__(self):
        return str(self.tag)


class MediaFieldsMixin(models.Model):
    """Type and size of an uploaded recording, read from the file when it is
    uploaded (cms.services.media) and kept for the feed's enclosure."""

    class Meta:
        abstract = True

    def inspect_new_uploads(self, fields):
        """Check each newly uploaded file; fill in its type, size and duration."""
        from cms.services.media import inspect_upload

        errors = {}
        for field_name, kinds in fields:
            field_file = getattr(self, field_name)
            if not field_file or getattr(field_file, "_committed", True):
                continue
            try:
                info = inspect_upload(field_file.file, kinds=kinds)
            except CmsError as error:
                errors[field_name] = error.message
                continue
            setattr(self, f"{field_name}_mime", info.mime_type)
            setattr(self, f"{field_name}_size", info.size)
            if info.duration_seconds and hasattr(self, "duration_seconds"):
                self.duration_seconds = info.duration_seconds
        if errors:
            raise ValidationError(errors)


class EpisodePage(PublicPageMixin, MediaFieldsMixin, Page):
    """One 以案释法 episode: the case, the law it turns on, the recording."""

    column = models.ForeignKey(
        ColumnIndexPage,
        verbose_name=_("column"),
        on_delete=models.SET_NULL,
        related_name="episode_pages",
        null=True,
        editable=False,
        help_text=_("Set from the page's place in the tree."),
    )
    number = models.PositiveIntegerField(
        _("episode number"), help_text=_("Unique within the column.")
    )
    air_date = models.DateField(_("air date"))
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("co-producing unit"),
        on_delete=models.PROTECT,
        related_name="episodes",
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for lists and for sharing in WeChat."),
    )
    case = RichTextField(_("the case"), features=["bold", "italic", "ol", "ul", "link"])
    analysis = StreamField(AnalysisBlock(), verbose_name=_("legal analysis"))
    audio = models.FileField(
        _("audio"),
        upload_to="episodes/audio/%Y/",
        blank=True,
        max_length=255,
        help_text=_("MP3, M4A/AAC or WAV."),
    )
    audio_mime = models.CharField(
        _("audio type"), max_length=64, blank=True, editable=False
    )
    audio_size = models.PositiveBigIntegerField(
        _("audio size (bytes)"), null=True, blank=True, editable=False
    )
    video = models.FileField(
        _("video"),
        upload_to="episodes/video/%Y/",
        blank=True,
        max_length=255,
        help_text=_("MP4 (H.264)."),
    )
    video_mime = models.CharField(
        _("video type"), max_length=64, blank=True, editable=False
    )
    video_size = models.PositiveBigIntegerField(
        _("video size (bytes)"), null=True, blank=True, editable=False
    )
    duration_seconds = models.PositiveIntegerField(
        _("duration (seconds)"),
        null=True,
        blank=True,
        help_text=_("Read from the recording when it is uploaded."),
    )
    transcript = models.TextField(
        _("transcript (WebVTT)"),
        blank=True,
        help_text=_(
            "WebVTT text: a WEBVTT line, then cues such as "
            "“00:00:05.000 --> 00:00:09.000” followed by the words."
        ),
    )
    topics = ClusterTaggableManager(
        through=EpisodeTopic, blank=True, verbose_name=_("topics")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the episode is shared."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel(
            [FieldPanel("number"), FieldPanel("air_date")], heading=_("On air")
        ),
        FieldPanel("unit", widget=forms.Select),
        FieldPanel("summary"),
        FieldPanel("case"),
        FieldPanel("analysis"),
        InlinePanel(
            "citations",
            label=_("Cited article"),
            heading=_("Cited articles (each is a chapter of the recording)"),
            min_num=1,
        ),
        MultiFieldPanel(
            [
                FieldPanel("audio"),
                FieldPanel("video"),
                FieldPanel("duration_seconds"),
                FieldPanel("transcript"),
            ],
            heading=_("Recording"),
        ),
        FieldPanel("topics"),
        FieldPanel("cover_image"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.FilterField("air_date"),
        index.FilterField("unit"),
        index.FilterField("column"),
    ]

    parent_page_types = ["cms.ColumnIndexPage"]
    subpage_types = []
    base_form_class = EpisodePageForm

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["column", "number"],
                name="cms_episode_unique_number_in_column",
                violation_error_message=_(
                    "Another episode of this column already has this number; "
                    "give this episode the next free number."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="cms_episode_number_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The column is the parent page; kept on the row so the database holds the
        # "one number per column" rule.
        if self.path and self.depth and self.depth > 1:
            parent = self.get_parent()
            if parent is not None:
                self.column_id = parent.pk
        return super().save(*args, **kwargs)

    # --- rules --------------------------------------------------------------

    def clean(self):
        super().clean()
        from cms.services.transcripts import parse_webvtt

        self.inspect_new_uploads([("audio", ("audio",)), ("video", ("video",))])
        if self.transcript.strip():
            try:
                parse_webvtt(self.transcript)
            except CmsError as error:
                raise ValidationError({"transcript": error.message}) from None

    # --- reading ------------------------------------------------------------

    @property
    def label(self):
        return _("Episode %(number)s") % {"number": self.number}

    def get_admin_display_title(self):
        # Editors find episodes by number in the page explorer.
        return f"{self.label} {super().get_admin_display_title()}"

    @cached_property
    def cited(self):
        return [
            citation
            for citation in self.citations.select_related("article__law")
            if citation.article_id
        ]

    def transcript_cues(self):
        from cms.services.transcripts import parse_webvtt

        if not self.transcript.strip():
            return []
        try:
            return parse_webvtt(self.transcript)
        except CmsError:
            return []

    def chapters(self):
        """One chapter per cited article that has a start time, in time order."""
        chapters = [
            {"start": citation.start_seconds, "title": str(citation.article)}
            for citation in self.cited
            if citation.start_seconds is not None
        ]
        return sorted(chapters, key=lambda chapter: chapter["start"])

    def search_text(self):
        from cms.services.search import segment

        cues = " ".join(cue.text for cue in self.transcript_cues())
        parts = [
            self.title,
            self.summary,
            strip_tags(self.case),
            stream_plain_text(self.analysis),
            cues,
            str(self.unit) if self.unit_id else "",
            " ".join(str(citation.article) for citation in self.cited),
            " ".join(tag.name for tag in self.topics.all()),
        ]
        return segment("\n".join(part for part in parts if part))

    def media(self):
        """(url, size in bytes, MIME type) of the recording for players and feeds:
        the audio if there is one, else the video; None without either."""
        if self.audio:
            return self.audio.url, self.audio_size or 0, self.audio_mime
        if self.video:
            return self.video.url, self.video_size or 0, self.video_mime
        return None

    def aired_at(self):
        """Air date at the column's broadcast time, in China Standard Time."""
        broadcast = self.column.broadcast_time if self.column_id else None
        moment = datetime.datetime.combine(
            self.air_date, broadcast or datetime.time(11, 0)
        )
        return timezone.make_aware(moment, timezone.get_default_timezone())

    def transcript_url(self):
        return reverse("cms:episode_transcript", args=[self.pk])

    def chapters_url(self):
        return reverse("cms:episode_chapters", args=[self.pk])

    def plays_url(self):
        return reverse("cms:episode_plays", args=[self.pk])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            citations=self.cited,
            cues=self.transcript_cues(),
            chapters=self.chapters(),
            recording=self.media(),
            topics=list(self.topics.all()),
            playback_rates=getattr(
                settings, "PUFA_PLAYBACK_RATES", (0.75, 1, 1.25, 1.5, 2)
            ),
        )
        return context


class EpisodeCitation(ArticleCitation):
    episode = ParentalKey(
        EpisodePage,
        verbose_name=_("episode"),
        on_delete=models.CASCADE,
        related_name="citations",
    )
    chapter_start = models.CharField(
        _("discussed from"),
        max_length=8,
        blank=True,
        help_text=_("Where the recording turns to this article, as mm:ss (12:30)."),
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("law", widget=forms.Select),
                FieldPanel("article_number"),
                FieldPanel("chapter_start"),
            ]
        )
    ]

    class Meta(ArticleCitation.Meta):
        verbose_name = _("cited article")
        verbose_name_plural = _("cited articles")

    @property
    def start_seconds(self):
        from cms.services.transcripts import parse_clock

        if not self.chapter_start:
            return None
        try:
            return parse_clock(self.chapter_start)
        except CmsError:
            return None

    def clean(self):
        super().clean()
        from cms.services.transcripts import parse_clock

        if self.chapter_start:
            try:
                seconds = parse_clock(self.chapter_start)
            except CmsError as error:
                raise ValidationError({"chapter_start": error.message}) from None
            self.chapter_start = f"{seconds // 60:02d}:{seconds % 60:02d}"
