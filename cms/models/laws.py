"""Laws, their articles, and the yearly must-know list (应知应会法律法规清单).

Episodes, lectures and exam questions cite ``LawArticle`` rows; when a law or an
article is amended or repealed, whatever cites it can be found and reviewed.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from org.models import Timestamped


class LawStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")


class Law(index.Indexed, Timestamped):
    class Kind(models.TextChoices):
        CONSTITUTION = "constitution", _("Constitution")
        LAW = "law", _("Law")
        ADMINISTRATIVE_REGULATION = (
            "administrative_regulation",
            _("Administrative regulation"),
        )
        LOCAL_REGULATION = "local_regulation", _("Local regulation")

    title = models.CharField(_("full title"), max_length=128, unique=True)
    short_name = models.CharField(_("short name"), max_length=64, unique=True)
    slug = models.SlugField(_("slug"), max_length=64, unique=True, allow_unicode=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    issuing_body = models.CharField(_("issuing body"), max_length=128, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LawStatus.choices,
        default=LawStatus.IN_FORCE,
    )
    source_note = models.CharField(
        _("source note"),
        max_length=255,
        blank=True,
        help_text=_("Where the text comes from, or that it is an excerpt or a demo."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("issuing_body"),
        FieldPanel("effective_date"),
        FieldPanel("status"),
        FieldPanel("source_note"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("short_name"),
        index.FilterField("kind"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.short_name or self.title

    def get_absolute_url(self):
        return reverse("cms:law_detail", args=[self.slug])


class LawArticle(index.Indexed, Timestamped):
    """One article (条) of a law, numbered as in the official text."""

    law = models.ForeignKey(
        Law, verbose_name=_("law"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveIntegerField(_("article number"))
    number_label = models.CharField(
        _("article label"), max_length=32, help_text=_("As written: 第一千一百六十五条")
    )
    heading = models.CharField(
        _("part and chapter"),
        max_length=255,
        blank=True,
        help_text=_("The 编/章/节 headings the article sits under."),
    )
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LawStatus.choices,
        default=LawStatus.IN_FORCE,
    )

    panels = [
        FieldPanel("law"),
        FieldPanel("number"),
        FieldPanel("number_label"),
        FieldPanel("heading"),
        FieldPanel("text"),
        FieldPanel("status"),
    ]
    search_fields = [
        # Chinese text cut into words (cms.services.search): the database backend
        # only splits on spaces.
        index.SearchField("search_text"),
        # So that "1254" finds the article in the admin's choosers.
        index.SearchField("number"),
        index.FilterField("law"),
        index.FilterField("status"),
        index.RelatedFields("law", [index.SearchField("short_name")]),
    ]

    class Meta:
        verbose_name = _("law article")
        verbose_name_plural = _("law articles")
        ordering = ["law", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "number"], name="cms_lawarticle_unique_number_in_law"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="cms_lawarticle_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.law.short_name}{self.number_label}"

    @property
    def is_current(self):
        return (
            self.status == LawStatus.IN_FORCE and self.law.status == LawStatus.IN_FORCE
        )

    def get_absolute_url(self):
        return f"{self.law.get_absolute_url()}#article-{self.number}"

    def search_text(self):
        from cms.services.search import segment

        return segment(f"{self.law.short_name}{self.number_label}\n{self.text}")


class MustKnowList(ClusterableModel, Timestamped):
    """The yearly ordered list of laws leading cadres must know."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=128)

    panels = [
        FieldPanel("year"),
        FieldPanel("title"),
        InlinePanel("entries", label=_("laws"), heading=_("Laws in order")),
    ]

    class Meta:
        verbose_name = _("must-know list")
        verbose_name_plural = _("must-know lists")
        ordering = ["-year"]

    def __str__(self):
        return self.title

    def laws(self):
        return [entry.law for entry in self.entries.select_related("law")]


class MustKnowEntry(Orderable):
    must_know_list = ParentalKey(
        MustKnowList,
        verbose_name=_("must-know list"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    law = models.ForeignKey(
        Law,
        verbose_name=_("law"),
        on_delete=models.PROTECT,
        related_name="list_entries",
    )

    panels = [FieldPanel("law")]

    class Meta(Orderable.Meta):
        verbose_name = _("must-know list entry")
        verbose_name_plural = _("must-know list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["must_know_list", "law"], name="cms_mustknowentry_unique_law"
            )
        ]

    def __str__(self):
        return f"{self.must_know_list.year} · {self.law}"
