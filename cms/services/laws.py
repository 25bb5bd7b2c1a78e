"""Importing a law's text: "第X条 …" plain text split into articles.

Headings (编/章/节) are tolerated and remembered as each article's heading; a header of
``# key: value`` lines may carry the law's metadata (title, short_name, kind, …).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cms.errors import CmsError
from cms.models import Law, LawArticle
from cms.models.laws import LawStatus
from cms.numerals import chinese_to_int

NUMERAL = "零一二三四五六七八九十百千"
ARTICLE_LINE = re.compile(rf"^\s*第([{NUMERAL}]+)条(?:之([{NUMERAL}]+))?[\s　]*(.*)$")
HEADING_LINE = re.compile(rf"^\s*第[{NUMERAL}]+([编章节])[\s　]*(.*)$")
HEADER_LINE = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*)$")
HEADING_LEVELS = {"编": 0, "章": 1, "节": 2}
METADATA_KEYS = {
    "title",
    "short_name",
    "slug",
    "kind",
    "issuing_body",
    "effective_date",
    "status",
    "source_note",
}


class LawError(CmsError):
    """A law text or citation pufa cannot use: ``code``, translatable ``message``,
    and the 1-based ``line`` of the text where it was found (if any)."""

    def __init__(self, code, message, line=None):
        super().__init__(code, message)
        self.line = line


@dataclass
class ParsedArticle:
    number: int
    number_label: str
    heading: str
    text: str
    line: int


@dataclass
class ParsedLaw:
    metadata: dict = field(default_factory=dict)
    articles: list = field(default_factory=list)
    preamble_lines: int = 0


def _line_error(code, message, line):
    return LawError(
        code, _("Line %(line)d: %(message)s") % {"line": line, "message": message}, line
    )


def parse_law_text(text):
    """Split a law's plain text into articles. Raises LawError naming the line."""
    parsed = ParsedLaw()
    headings = ["", "", ""]
    current = None
    body = []

    def finish():
        if current is None:
            return
        article_text = "\n".join(body).strip()
        if not article_text:
            raise _line_error(
                "empty_article",
                _("%(label)s has no text.") % {"label": current.number_label},
                current.line,
            )
        current.text = article_text
        parsed.articles.append(current)

    for line_number, raw_line in enumerate(str(text).splitlines(), start=1):
        line = raw_line.strip().lstrip("\ufeff")
        if not line:
            continue
        header = HEADER_LINE.match(line)
        if header and not parsed.articles and current is None:
            key, value = header.groups()
            if key in METADATA_KEYS:
                parsed.metadata[key] = value.strip()
            continue
        heading = HEADING_LINE.match(line)
        if heading and len(line) <= 40:
            finish()
            current, body = None, []
            level = HEADING_LEVELS[heading.group(1)]
            headings[level] = line.replace("\u3000", " ")
            for lower in range(level + 1, len(headings)):
                headings[lower] = ""
            continue
        article = ARTICLE_LINE.match(line)
        if article:
            finish()
            numeral, sub_numeral, rest = article.groups()
            if sub_numeral:
                raise _line_error(
                    "unsupported_article",
                    _("Articles numbered with 之 are not supported; enter it by hand."),
                    line_number,
                )
            number = chinese_to_int(numeral)
            label = f"第{numeral}条"
            if parsed.articles and number <= parsed.articles[-1].number:
                raise _line_error(
                    "article_order",
                    _("%(label)s comes after %(previous)s; numbers must increase.")
                    % {"label": label, "previous": parsed.articles[-1].number_label},
                    line_number,
                )
            current = ParsedArticle(
                number=number,
                number_label=label,
                heading=" / ".join(part for part in headings if part),
                text="",
                line=line_number,
            )
            body = [rest] if rest else []
            continue
        if current is None:
            parsed.preamble_lines += 1  # a preamble (序言) or a title line
        else:
            body.append(line)
    finish()
    if not parsed.articles:
        raise LawError(
            "no_articles",
            _("No article found. Each article must start a line with 第…条."),
        )
    return parsed


def _law_fields(metadata, overrides):
    values = {**metadata, **{k: v for k, v in overrides.items() if v not in (None, "")}}
    missing = [key for key in ("title", "short_name", "kind") if not values.get(key)]
    if missing:
        raise LawError(
            "metadata_missing",
            _("The law's %(fields)s must be given.") % {"fields": ", ".join(missing)},
        )
    if values["kind"] not in Law.Kind.values:
        raise LawError(
            "bad_kind",
            _("Unknown kind of law %(kind)s; use one of %(kinds)s.")
            % {"kind": values["kind"], "kinds": ", ".join(Law.Kind.values)},
        )
    status = values.get("status") or LawStatus.IN_FORCE
    if status not in LawStatus.values:
        raise LawError(
            "bad_status", _("Unknown status %(status)s.") % {"status": status}
        )
    effective_date = values.get("effective_date") or None
    if isinstance(effective_date, str):
        try:
            effective_date = datetime.date.fromisoformat(effective_date)
        except ValueError:
            raise LawError(
                "bad_date",
                _("The effective date must be written YYYY-MM-DD, not %(value)s.")
                % {"value": effective_date},
            ) from None
    return {
        "title": values["title"],
        "short_name": values["short_name"],
        "slug": slugify(values.get("slug", "")),
        "kind": values["kind"],
        "issuing_body": values.get("issuing_body", ""),
        "effective_date": effective_date,
        "status": status,
        "source_note": values.get("source_note", ""),
    }


@dataclass
class LawImportResult:
    law: Law
    created: bool
    articles_added: int
    articles_changed: int
    articles_unchanged: int


@transaction.atomic
def import_law(*, text, slug=None, **overrides):
    """Create or update a law and its articles from plain text; all or nothing.

    The law is found by its full title. Articles are matched by number: new ones are
    added, changed texts are replaced, articles absent from the text are kept (texts
    are often excerpts). Raises LawError for text that does not parse or metadata
    that is missing or wrong; nothing is saved then.
    """
    parsed = parse_law_text(text)
    fields = _law_fields(parsed.metadata, overrides)
    fields["slug"] = slugify(slug or "") or fields["slug"]
    law = Law.objects.select_for_update().filter(title=fields["title"]).first()
    created = law is None
    if created:
        if not fields["slug"]:
            raise LawError("slug_missing", _("Give the law a slug (Latin letters)."))
        law = Law.objects.create(**fields)
    else:
        changes = {
            key: value
            for key, value in fields.items()
            if value not in (None, "") and getattr(law, key) != value
        }
        if changes:
            for key, value in changes.items():
                setattr(law, key, value)
            law.save()

    existing = {article.number: article for article in law.articles.all()}
    added = changed = unchanged = 0
    new_articles = []
    for parsed_article in parsed.articles:
        article = existing.get(parsed_article.number)
        if article is None:
            new_articles.append(
                LawArticle(
                    law=law,
                    number=parsed_article.number,
                    number_label=parsed_article.number_label,
                    heading=parsed_article.heading,
                    text=parsed_article.text,
                )
            )
            added += 1
        elif (article.text, article.heading) != (
            parsed_article.text,
            parsed_article.heading,
        ):
            article.text = parsed_article.text
            article.heading = parsed_article.heading
            article.save(update_fields=["text", "heading", "updated_at"])
            changed += 1
        else:
            unchanged += 1
    LawArticle.objects.bulk_create(new_articles)
    if new_articles:
        # bulk_create sends no signals: index the new articles here (the database
        # search backend writes in this same transaction).
        _index_articles([article.pk for article in new_articles])
    return LawImportResult(law, created, added, changed, unchanged)


def _index_articles(article_ids):
    from wagtail.search.backends import get_search_backend

    articles = list(LawArticle.objects.filter(pk__in=article_ids).select_related("law"))
    get_search_backend().add_bulk(LawArticle, articles)


def find_article(*, law, number):
    """The article of ``law`` with this number (int or 第…条 label), or LawError."""
    if isinstance(number, str):
        match = re.fullmatch(rf"(?:第)?([{NUMERAL}]+)(?:条)?", number.strip())
        if match:
            number = chinese_to_int(match.group(1))
        elif number.strip().isdigit():
            number = int(number.strip())
        else:
            raise LawError(
                "bad_article_number",
                _("%(value)s is not an article number such as 第十条 or 10.")
                % {"value": number},
            )
    article = LawArticle.objects.filter(law=law, number=number).first()
    if article is None:
        raise LawError(
            "no_such_article",
            _("%(law)s has no article %(number)s in pufa.")
            % {"law": law, "number": number},
        )
    return article
