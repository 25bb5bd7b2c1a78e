"""A cited law article, as editors enter it: the law, then the article's number."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable


class ArticleCitation(Orderable):
    """Editors pick the law and type the number (1165 or 第一千一百六十五条); the
    article is looked up when the form is checked, so a number the law does not
    have is refused with a message instead of being saved."""

    law = models.ForeignKey(
        "cms.Law",
        verbose_name=_("law"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    article_number = models.CharField(
        _("article number"),
        max_length=32,
        help_text=_("1165 or 第一千一百六十五条"),
    )
    article = models.ForeignKey(
        "cms.LawArticle",
        verbose_name=_("law article"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        editable=False,
        # Empty only on a draft whose number is not filled in yet.
        null=True,
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("law", widget=forms.Select), FieldPanel("article_number")]
        )
    ]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return str(self.article) if self.article_id else self.article_number

    def clean(self):
        super().clean()
        from cms.services.laws import LawError, find_article

        if not self.law_id or not self.article_number:
            return
        try:
            article = find_article(law=self.law, number=self.article_number)
        except LawError as error:
            raise ValidationError({"article_number": error.message}) from None
        self.article = article
        self.article_number = article.number_label
