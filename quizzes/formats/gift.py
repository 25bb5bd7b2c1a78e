"""GIFT (Moodle's plain-text format) and Aiken (single choice, one per block).

GIFT: ``::title:: stem {=right ~wrong ~wrong #feedback ####general feedback}``,
``{T}``/``{F}`` for true/false, ``~%50%a ~%50%b ~%-100%c`` for multiple answers,
``$CATEGORY: path`` lines, ``//`` comments, ``\\`` escapes for ``~=#{}:``.
Questions are separated by blank lines.

Aiken: a question line, option lines ``A. …`` or ``A) …``, then ``ANSWER: B``.
"""

import re

from django.utils.translation import gettext_lazy as _

from quizzes.formats.common import (
    CitationResolver,
    ParseResult,
    check_size,
    html_to_text,
    line,
    true_false_data,
)
from quizzes.formats.moodle import category_tag
from quizzes.formats.table import decode
from quizzes.models import OPTION_LETTERS, QuestionKind
from quizzes.services.bank import QuestionData
from quizzes.services.errors import QuizError

ESCAPED = {
    "~": "\ue000",
    "=": "\ue001",
    "#": "\ue002",
    "{": "\ue003",
    "}": "\ue004",
    ":": "\ue005",
}
RESTORE = {v: k for k, v in ESCAPED.items()}
TRUE_FALSE = re.compile(r"^(T|F|TRUE|FALSE)\s*(#.*)?$", re.IGNORECASE | re.DOTALL)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TITLE = re.compile(r"^::(.*?)::", re.DOTALL)
FORMAT = re.compile(r"^\[(html|plain|markdown|moodle)\]", re.IGNORECASE)


def _protect(text):
    """Hide escaped characters so the markup can be split safely."""
    text = text.replace("\\\\", "\ue006")
    for char, placeholder in ESCAPED.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace("\\n", "\n")


def _restore(text):
    for placeholder, char in RESTORE.items():
        text = text.replace(placeholder, char)
    return text.replace("\ue006", "\\").strip()


def _blocks(text):
    """(first line number, block text, category) for each question block."""
    block, start, category = [], 0, ""
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            category = category_tag(stripped.removeprefix("$CATEGORY:"))
            continue
        if not stripped:
            if block:
                yield start, "\n".join(block), category
                block = []
            continue
        if not block:
            start = number
        block.append(raw)
    if block:
        yield start, "\n".join(block), category


def _text(markup):
    markup = markup.strip()
    match = FORMAT.match(markup)
    if match:
        markup = markup[match.end() :]
        if match.group(1).lower() == "html":
            return html_to_text(_restore(markup))
    return _restore(markup)


def read_gift(data, encoding="auto"):
    check_size(data)
    text = decode(data, encoding)
    result = ParseResult("gift")
    resolver = CitationResolver()
    for start, block, category in _blocks(text):
        _read_block(result, resolver, start, _protect(block), category)
    if not result.questions and not result.errors and not result.unsupported:
        raise QuizError("no_questions", _("The file holds no questions."))
    return result


def _read_block(result, resolver, start, block, category):
    where = line(start)
    opening = block.find("{")
    closing = block.find("}", opening + 1) if opening >= 0 else block.find("}")
    if opening < 0 and closing < 0:
        result.skip(
            where, _("Description"), _("Text without an answer is not a question.")
        )
        return
    if opening < 0 or closing < 0:
        brace_line = start + block[: max(opening, closing)].count("\n")
        result.error(
            where,
            "answer",
            _(
                "The brace on line %(line)d is not closed: "
                "write the answers as {=right ~wrong}."
            )
            % {"line": brace_line}
            if opening >= 0
            else _("A closing brace on line %(line)d has no opening brace.")
            % {"line": brace_line},
        )
        return
    head, body, tail = (
        block[:opening],
        block[opening + 1 : closing],
        block[closing + 1 :],
    )
    if "{" in tail or "}" in tail:
        result.error(where, "answer", _("A question may have only one pair of braces."))
        return
    title = TITLE.match(head.strip())
    if title:
        head = head.strip()[title.end() :]
    stem = _text(head)
    if tail.strip():
        stem = f"{stem} ____ {_text(tail)}".strip()
    body, _sep, general = body.partition("####")
    fields = {
        "stem": stem,
        "explanation": _text(general),
        "topics": [category] if category else [],
    }
    body = body.strip()
    if not body:
        result.skip(where, _("Essay"), _("Essays need a human marker."))
        return
    if body.startswith("#"):
        result.skip(
            where, _("Numerical"), _("Numerical questions are not held by the bank.")
        )
        return
    tf = TRUE_FALSE.match(body)
    if tf:
        keys = [0 if tf.group(1).upper().startswith("T") else 1]
        result.add(where, true_false_data(keys=keys, **fields), resolver)
        return
    answers = [part for part in re.split(r"(?=[=~])", body) if part.strip()]
    if any(not part.startswith(("=", "~")) for part in answers):
        result.error(
            where, "answer", _("Each answer must start with = (right) or ~ (wrong).")
        )
        return
    if any("->" in part for part in answers):
        result.skip(
            where, _("Matching"), _("Matching questions are not held by the bank.")
        )
        return
    if all(part.startswith("=") for part in answers):
        result.skip(
            where,
            _("Short answer"),
            _("Short-answer questions are graded by typed text; pufa grades choices."),
        )
        return
    options, keys, weighted = [], [], False
    for index, part in enumerate(answers):
        mark, content = part[0], part[1:].strip()
        weight = WEIGHT.match(content)
        if weight:
            weighted = True
            content = content[weight.end() :]
        content = content.split("#", 1)[0]  # per-answer feedback is not kept
        options.append(_text(content))
        if (weight and float(weight.group(1)) > 0) or (not weight and mark == "="):
            keys.append(index)
    kind = QuestionKind.MULTIPLE if weighted else QuestionKind.SINGLE
    data = QuestionData(kind=kind, options=options, keys=keys, **fields)
    result.add(where, data, resolver)


# Aiken --------------------------------------------------------------------------

AIKEN_OPTION = re.compile(r"^([A-Z])\s*[.)．、]\s*(.*)$")
AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def read_aiken(data, encoding="auto"):
    check_size(data)
    text = decode(data, encoding)
    result = ParseResult("aiken")
    resolver = CitationResolver()
    stem_lines, options, start = [], [], None

    def missing_answer():
        result.error(
            line(start),
            "answer",
            _(
                "The question starting on this line has no ANSWER line "
                "(e.g. ANSWER: B)."
            ),
        )

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        answer = AIKEN_ANSWER.match(stripped)
        option = AIKEN_OPTION.match(stripped)
        if answer and start is not None:
            letter = answer.group(1).strip().upper()
            keys = (
                [OPTION_LETTERS.index(letter)]
                if len(letter) == 1 and letter in OPTION_LETTERS
                else []
            )
            if letter and not keys:
                result.error(
                    line(start), "answer", _("The answer must be one option letter.")
                )
            else:
                data = QuestionData(
                    kind=QuestionKind.SINGLE,
                    stem="\n".join(stem_lines),
                    options=[text for _letter, text in options],
                    keys=keys,
                )
                letters = [letter for letter, _text in options]
                if letters != list(OPTION_LETTERS[: len(letters)]):
                    result.error(
                        line(start),
                        "options",
                        _("Options must be lettered A, B, C… in order."),
                    )
                else:
                    result.add(line(start), data, resolver)
            stem_lines, options, start = [], [], None
        elif option and start is not None and stem_lines:
            options.append(option.groups())
        elif start is not None and options:
            # A new stem after options without an ANSWER line.
            missing_answer()
            stem_lines, options, start = [stripped], [], number
        else:
            if start is None:
                start = number
            stem_lines.append(stripped)
    if start is not None:
        missing_answer()
    if not result.questions and not result.errors:
        raise QuizError("no_questions", _("The file holds no questions."))
    return result
