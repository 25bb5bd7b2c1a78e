"""StreamField blocks of the legal analysis: text, a quoted law article, an image,
a pull quote. Each renders with its own template in templates/cms/blocks/."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class LawQuoteBlock(blocks.StructBlock):
    """An article of a law, quoted from the law snippets (never retyped)."""

    article = SnippetChooserBlock("cms.LawArticle", label=_("law article"))
    excerpt = blocks.TextBlock(
        label=_("excerpt"),
        required=False,
        help_text=_(
            "Only if you quote part of the article; leave empty for all of it."
        ),
    )

    class Meta:
        icon = "openquote"
        label = _("Quoted law article")
        template = "cms/blocks/law_quote.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("who said it"), required=False)

    class Meta:
        icon = "pick"
        label = _("Pull quote")
        template = "cms/blocks/pull_quote.html"


class AnalysisBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=["h3", "bold", "italic", "ol", "ul", "link"],
        template="cms/blocks/paragraph.html",
    )
    law_quote = LawQuoteBlock()
    image = CaptionedImageBlock()
    pull_quote = PullQuoteBlock()

    class Meta:
        min_num = 1


def stream_plain_text(stream_value):
    """The words of a StreamField value, for the search index and summaries."""
    from django.utils.html import strip_tags

    parts = []
    for child in stream_value or []:
        value = child.value
        if child.block_type == "paragraph":
            parts.append(strip_tags(value.source))
        elif child.block_type == "law_quote":
            article = value.get("article")
            if article is not None:
                parts.append(str(article))
                parts.append(value.get("excerpt") or article.text)
        elif child.block_type == "pull_quote":
            parts.append(value.get("quote", ""))
            parts.append(value.get("attribution", ""))
        elif child.block_type == "image":
            parts.append(value.get("caption", ""))
    return "\n".join(part for part in parts if part)
