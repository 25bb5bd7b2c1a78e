"""Moodle XML: multichoice (single and multiple answers) and truefalse.

Parsed with defusedxml (no DTDs, no entity expansion, no external resources).
HTML in texts is reduced to safe plain text (``html_to_text``). Category paths
become tags. What Moodle has and pufa's bank has not — difficulty and the law
basis — travels as tags ``难度:3`` and ``法律依据:民法典第一千一百六十五条``, so an
export re-imports exactly and Moodle keeps the information visible.
"""

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext_lazy as _

from quizzes.formats.common import (
    CitationResolver,
    ParseResult,
    check_size,
    has_image,
    html_to_text,
    line,
    true_false_data,
)
from quizzes.models import QuestionKind
from quizzes.services.bank import QuestionData
from quizzes.services.errors import QuizError

DIFFICULTY_TAG = "难度:"
CITATION_TAG = "法律依据:"
CATEGORY_NOISE = {"$course$", "$system$", "$module$", "$cat1$", "top", "默认", "顶层"}
TYPE_REASONS = {
    "shortanswer": _(
        "Short-answer questions are graded by typed text; pufa grades choices."
    ),
    "numerical": _("Numerical questions are not held by the bank."),
    "essay": _("Essays need a human marker; the bank holds choice questions only."),
    "matching": _("Matching questions are not held by the bank."),
    "description": _("A description is text, not a question."),
    "cloze": _("Embedded-answer (cloze) questions are not held by the bank."),
    "multianswer": _("Embedded-answer (cloze) questions are not held by the bank."),
}
OTHER_TYPE = _("The bank holds single choice, multiple choice and true/false only.")
YES = {"true", "1", "yes"}


class _Element(ET.Element):
    """An element that remembers the line it started on."""

    line = 0


class _LineTreeBuilder(ET.TreeBuilder):
    def __init__(self):
        super().__init__(element_factory=_Element)
        self.parser = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        element.line = self.parser.parser.CurrentLineNumber
        return element


def parse_xml(data):
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as error:
        position = getattr(error, "position", (0, 0))
        raise QuizError(
            "malformed_xml",
            _(
                "The XML is malformed at line %(line)d, column %(column)d: a tag is "
                "not closed or a character is not allowed. Export the file again "
                "from Moodle."
            )
            % {"line": position[0], "column": position[1] + 1},
        ) from None
    except DefusedXmlException:
        raise QuizError(
            "unsafe_xml",
            _("The XML declares a DTD or entities, which pufa refuses to read."),
        ) from None


def _text(element, path="text"):
    """(text, is_html) of a Moodle text element."""
    if element is None:
        return "", False
    node = element.find(path) if path else element
    value = (node.text or "") if node is not None else ""
    return value, element.get("format", "html") in {"html", "moodle_auto_format"}


def _plain(element, path="text"):
    value, is_html = _text(element, path)
    if is_html:
        return html_to_text(value)
    return value.replace("\r\n", "\n").strip()


def category_tag(path):
    parts = [part.strip() for part in path.split("/")]
    parts = [
        part
        for part in parts
        if part
        and part not in CATEGORY_NOISE
        and not part.startswith("默认")
        and not part.lower().startswith("default for")
    ]
    return "/".join(parts)


def read_moodle_xml(data):
    check_size(data)
    root = parse_xml(data)
    if root.tag != "quiz":
        raise QuizError(
            "not_moodle_xml",
            _("This XML is not a Moodle question export: its root is not <quiz>."),
        )
    result = ParseResult("moodle")
    resolver = CitationResolver()
    category = ""
    for question in root.findall("question"):
        qtype = question.get("type", "")
        where = line(question.line)
        if qtype == "category":
            category = category_tag(_plain(question.find("category"), "text"))
            continue
        if qtype not in {"multichoice", "truefalse"}:
            result.skip(where, qtype or "?", TYPE_REASONS.get(qtype, OTHER_TYPE))
            continue
        _read_question(result, resolver, question, qtype, where, category)
    if not result.questions and not result.errors and not result.unsupported:
        raise QuizError("no_questions", _("The file holds no questions."))
    return result


def _tags(question):
    topics, citations, difficulty = [], [], None
    for tag in question.findall("tags/tag"):
        value = _plain(tag, "text")
        if value.startswith(DIFFICULTY_TAG):
            difficulty = value.removeprefix(DIFFICULTY_TAG).strip()
        elif value.startswith(CITATION_TAG):
            citations.append(value.removeprefix(CITATION_TAG).strip())
        elif value:
            topics.append(value)
    return topics, citations, difficulty


def _read_question(result, resolver, question, qtype, where, category):
    stem_markup, stem_is_html = _text(question.find("questiontext"))
    if stem_is_html and has_image(stem_markup):
        result.error(
            where, "stem", _("The stem holds an image; the bank holds text only.")
        )
        return
    topics, citations, difficulty_text = _tags(question)
    if category:
        topics.append(category)
    difficulty = 3
    if difficulty_text is not None:
        try:
            difficulty = int(difficulty_text)
        except ValueError:
            result.error(
                where,
                "difficulty",
                _("Difficulty must be a whole number from 1 to 5, not %(value)s.")
                % {"value": difficulty_text},
            )
            return
    fields = {
        "stem": _plain(question.find("questiontext")),
        "explanation": _plain(question.find("generalfeedback")),
        "difficulty": difficulty,
        "citations": citations,
        "topics": sorted(set(topics)),
    }
    answers = question.findall("answer")
    fractions = []
    for answer in answers:
        try:
            fractions.append(float(answer.get("fraction", "0")))
        except ValueError:
            result.error(where, "answer", _("An answer's fraction is not a number."))
            return
    if qtype == "truefalse":
        keys = [
            0 if _plain(answer).lower() == "true" else 1
            for answer, fraction in zip(answers, fractions, strict=True)
            if fraction >= 100
        ]
        data = true_false_data(keys=keys, **fields)
    else:
        options = [_plain(answer) for answer in answers]
        single = (question.findtext("single") or "true").strip().lower() in YES
        if single:
            keys = [i for i, fraction in enumerate(fractions) if fraction >= 100]
            kind = QuestionKind.SINGLE
        else:
            keys = [i for i, fraction in enumerate(fractions) if fraction > 0]
            kind = QuestionKind.MULTIPLE
        shuffle = (question.findtext("shuffleanswers") or "true").strip().lower()
        data = QuestionData(
            kind=kind,
            options=options,
            keys=keys,
            shuffle_options=shuffle in YES,
            **fields,
        )
    result.add(where, data, resolver)


# export -------------------------------------------------------------------------

# Moodle accepts only these grade fractions for answers.
MULTI_FRACTIONS = {
    1: "100",
    2: "50",
    3: "33.33333",
    4: "25",
    5: "20",
    6: "16.66667",
    7: "14.28571",
    8: "12.5",
}


def _text_element(parent, tag, value, text_format="plain_text"):
    element = ET.SubElement(parent, tag, {"format": text_format} if text_format else {})
    ET.SubElement(element, "text").text = value
    return element


def write_moodle_xml(datas):
    """A Moodle XML export of these questions (QuestionData)."""
    root = ET.Element("quiz")
    for data in datas:
        qtype = "truefalse" if data.kind == QuestionKind.TRUE_FALSE else "multichoice"
        question = ET.SubElement(root, "question", {"type": qtype})
        name = " ".join(data.stem.split())[:40]
        _text_element(question, "name", name, text_format=None)
        _text_element(question, "questiontext", data.stem)
        _text_element(question, "generalfeedback", data.explanation)
        ET.SubElement(question, "defaultgrade").text = "1"
        ET.SubElement(question, "penalty").text = "0"
        ET.SubElement(question, "hidden").text = "0"
        if qtype == "truefalse":
            for index, word in enumerate(("true", "false")):
                answer = _text_element(
                    question,
                    "answer",
                    word,
                    text_format="moodle_auto_format",
                )
                answer.set("fraction", "100" if data.keys == [index] else "0")
        else:
            single = data.kind == QuestionKind.SINGLE
            ET.SubElement(question, "single").text = "true" if single else "false"
            ET.SubElement(question, "shuffleanswers").text = (
                "true" if data.shuffle_options else "false"
            )
            ET.SubElement(question, "answernumbering").text = "ABCD"
            right = "100" if single else MULTI_FRACTIONS[len(data.keys)]
            for index, text in enumerate(data.options):
                answer = _text_element(question, "answer", text)
                answer.set("fraction", right if index in data.keys else "0")
        tags = ET.SubElement(question, "tags")
        for value in [
            f"{DIFFICULTY_TAG}{data.difficulty}",
            *(f"{CITATION_TAG}{c}" for c in data.citations),
            *data.topics,
        ]:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = value
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
