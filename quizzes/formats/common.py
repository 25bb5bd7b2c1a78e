"""What every import format shares: the parse result, answer and citation
parsing, safe HTML-to-text, and the size checks made before any parser runs."""

import html
import re
from collections import Counter
from dataclasses import dataclass, field

import nh3
from django.utils.translation import gettext_lazy as _

from cms.numerals import chinese_to_int
from quizzes.models import OPTION_LETTERS, QuestionKind
from quizzes.services.bank import TRUE_FALSE_OPTIONS, QuestionData, problems
from quizzes.services.errors import QuizError

# Uploads larger than this are refused before they are read.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

FIELD_LABELS = {
    "kind": _("Type"),
    "stem": _("Stem"),
    "options": _("Options"),
    "answer": _("Answer"),
    "explanation": _("Explanation"),
    "citations": _("Law basis"),
    "difficulty": _("Difficulty"),
    "topics": _("Tags"),
    "file": _("File"),
}
KIND_NAMES = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.TRUE_FALSE: "判断",
}
KIND_ALIASES = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "单项选择": QuestionKind.SINGLE,
    "单项选择题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "多项选择": QuestionKind.MULTIPLE,
    "多项选择题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
}
TRUE_WORDS = {"对", "√", "✓", "✔", "正确", "T", "TRUE", "是", "Y", "YES"}
FALSE_WORDS = {"错", "×", "✗", "✘", "X", "错误", "F", "FALSE", "否", "N", "NO"}
TOPIC_SEPARATORS = re.compile(r"[,，、;；\n]+")
CITATION_SEPARATORS = re.compile(r"[;；、,，\n]+")
NUMERAL = "零一二三四五六七八九十百千"
CITATION = re.compile(rf"^(?P<law>.+?)(?P<article>第(?:[{NUMERAL}]+|\d+)条)$")


@dataclass
class ParseResult:
    """What a file held: good questions (with where they were), errors, and the
    questions of types the bank does not hold."""

    file_format: str
    questions: list = field(default_factory=list)  # (where, QuestionData)
    errors: list = field(default_factory=list)  # {"where", "field", "message"}
    unsupported: list = field(default_factory=list)  # {"where", "type", "reason"}

    def error(self, where, field_name, message):
        self.errors.append(
            {
                "where": str(where),
                "field": str(FIELD_LABELS.get(field_name, field_name)),
                "message": str(message),
            }
        )

    def skip(self, where, type_name, reason):
        self.unsupported.append(
            {"where": str(where), "type": str(type_name), "reason": str(reason)}
        )

    def counts(self):
        """Good questions per type, in the bank's type order."""
        found = Counter(data.kind for _where, data in self.questions)
        return {kind: found.get(kind, 0) for kind in QuestionKind.values}

    def unsupported_summary(self):
        """[(type, reason, count, [where…])], the most frequent first."""
        groups = {}
        for item in self.unsupported:
            groups.setdefault((item["type"], item["reason"]), []).append(item["where"])
        return sorted(
            ((t, r, len(w), w) for (t, r), w in groups.items()),
            key=lambda row: -row[2],
        )

    def add(self, where, data, resolver, errors=()):
        """Resolve the citations, check the rules, and keep the question — or
        report every problem of it: ``errors`` found while reading it, then
        its citations, then the bank's rules on the other fields."""
        found = [(field_name, message) for field_name, message in errors]
        if data.citations:
            article_ids, citation_errors = resolver.resolve(data.citations)
            data.article_ids = article_ids
            found += [("citations", message) for message in citation_errors]
        reported = {field_name for field_name, _message in found}
        found += [
            (field_name, message)
            for field_name, message in problems(data)
            if field_name not in reported
        ]
        for field_name, message in found:
            self.error(where, field_name, message)
        if not found:
            self.questions.append((str(where), data))


def row(number):
    return _("Row %(n)d") % {"n": number}


def line(number):
    return _("Line %(n)d") % {"n": number}


def check_size(data):
    """Refuse an empty or oversized upload before any parser sees it."""
    if not data or not data.strip():
        raise QuizError("empty_file", _("The file is empty."))
    check_length(len(data))


def check_length(size):
    """Refuse a file of this many bytes if it is too large to import."""
    if size > MAX_UPLOAD_BYTES:
        raise QuizError(
            "file_too_large",
            _("The file is %(size).1f MB; files up to %(max)d MB can be imported.")
            % {
                "size": size / 1024 / 1024,
                "max": MAX_UPLOAD_BYTES // 1024 // 1024,
            },
        )


def clean_text(value):
    """A cell or field as text: None → "", numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


BLOCK_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?\s*>", re.IGNORECASE)
IMAGE = re.compile(r"<\s*img\b", re.IGNORECASE)


def html_to_text(markup):
    """Plain text of an HTML fragment, made safe by nh3 (Ammonia): every tag is
    dropped, and script/style elements with their content."""
    with_breaks = BLOCK_BREAKS.sub("\n", markup)
    cleaned = nh3.clean(with_breaks, tags=set(), clean_content_tags={"script", "style"})
    text = html.unescape(cleaned).replace("\xa0", " ")
    lines = [" ".join(part.split()) for part in text.split("\n")]
    return "\n".join(part for part in lines if part).strip()


def has_image(markup):
    return bool(IMAGE.search(markup))


def parse_kind(text):
    return KIND_ALIASES.get(text.strip().replace(" ", ""))


def parse_true_false(text):
    """0 (正确) or 1 (错误) for 对/错/√/×/正确/错误/T/F…, None if unclear."""
    word = text.strip().upper()
    if word in TRUE_WORDS:
        return 0
    if word in FALSE_WORDS:
        return 1
    return None


def parse_letters(text):
    """Option indexes of an answer like "A", "ABD", "A,B,D", "A、C": None if it
    holds anything but option letters."""
    letters = re.sub(r"[\s,，、;；/]+", "", text.upper())
    letters = letters.translate(str.maketrans("ＡＢＣＤＥＦＧＨ", OPTION_LETTERS))
    if not letters or any(char not in OPTION_LETTERS for char in letters):
        return None
    return [OPTION_LETTERS.index(char) for char in letters]


def answer_keys(kind, text):
    """(keys, error message or None) for an answer cell of this type."""
    text = text.strip()
    if not text:
        return [], _("No correct answer is given.")
    if kind == QuestionKind.TRUE_FALSE:
        key = parse_true_false(text)
        if key is None:
            letters = parse_letters(text)
            if letters and len(letters) == 1 and letters[0] < 2:
                return letters, None
            return [], _(
                "A true/false answer is one of 对, 错, √, ×, 正确, 错误, T, F; "
                "not %(value)s."
            ) % {"value": text}
        return [key], None
    keys = parse_letters(text)
    if keys is None:
        return [], _(
            "The answer must be option letters such as A or ABD; not %(value)s."
        ) % {"value": text}
    return keys, None


def split_topics(text):
    return sorted(
        {part.strip() for part in TOPIC_SEPARATORS.split(text) if part.strip()}
    )


def split_citations(text):
    return [part.strip() for part in CITATION_SEPARATORS.split(text) if part.strip()]


def true_false_data(**fields):
    return QuestionData(
        kind=QuestionKind.TRUE_FALSE,
        options=list(TRUE_FALSE_OPTIONS),
        shuffle_options=False,
        **fields,
    )


class CitationResolver:
    """Turns "民法典第一千一百六十五条" into LawArticle ids, loading the laws and
    article numbers once per import (thousands of rows, a few queries)."""

    def __init__(self):
        from cms.models import Law, LawArticle

        self.laws = {}
        for law in Law.objects.all():
            for name in (
                law.short_name,
                law.title,
                law.title.removeprefix("中华人民共和国"),
            ):
                self.laws.setdefault(name, law)
        self.articles = {
            (law_id, number): pk
            for pk, law_id, number in LawArticle.objects.values_list(
                "pk", "law_id", "number"
            )
        }

    def resolve(self, citations):
        """(article ids, [error messages])."""
        from cms.services.laws import LawError, find_article

        ids, errors = [], []
        for citation in citations:
            text = citation.replace(" ", "").replace("　", "")
            match = CITATION.match(text.replace("《", "").replace("》", ""))
            if not match:
                errors.append(
                    _(
                        "%(value)s does not name a law and an article, "
                        "as in 民法典第一千一百六十五条."
                    )
                    % {"value": citation}
                )
                continue
            law = self.laws.get(match["law"])
            if law is None:
                errors.append(
                    _("No law called %(law)s is in pufa; add it under Laws first.")
                    % {"law": match["law"]}
                )
                continue
            label = match["article"][1:-1]
            number = int(label) if label.isdigit() else chinese_to_int(label)
            article_id = self.articles.get((law.pk, number))
            if article_id is None:
                try:  # the authoritative lookup, and its message
                    article_id = find_article(law=law, number=number).pk
                except LawError as error:
                    errors.append(error.message)
                    continue
            if article_id not in ids:
                ids.append(article_id)
        return ids, errors
