"""The spreadsheet template (xlsx and CSV): one question per row under Chinese
headers 题型, 题干, 选项A…选项H, 答案, 解析, 法律依据, 难度, 标签 (and the optional
选项乱序)."""

import contextlib
import csv
import io
import re
import zipfile

from django.utils.translation import gettext_lazy as _

from quizzes.formats.common import (
    KIND_NAMES,
    CitationResolver,
    ParseResult,
    answer_keys,
    check_size,
    clean_text,
    parse_kind,
    row,
    split_citations,
    split_topics,
    true_false_data,
)
from quizzes.models import OPTION_LETTERS, QuestionKind
from quizzes.services.bank import QuestionData
from quizzes.services.errors import QuizError

OPTION_HEADERS = [f"选项{letter}" for letter in OPTION_LETTERS]
HEADERS = [
    "题型",
    "题干",
    *OPTION_HEADERS,
    "答案",
    "解析",
    "法律依据",
    "难度",
    "标签",
    "选项乱序",
]
REQUIRED_HEADERS = ["题型", "题干", "答案"]
SHEET_NAME = "题目"
# An xlsx is a zip: refuse one that inflates past this (a zip bomb) before parsing.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
YES = {"是", "Y", "YES", "TRUE", "1", "√", "对"}
NO = {"否", "N", "NO", "FALSE", "0", "×", "错"}
MERGE_CELL = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _header_map(cells):
    names = [clean_text(cell).replace(" ", "") for cell in cells]
    return {name: index for index, name in enumerate(names) if name}


def parse_rows(rows, file_format):
    """Turn (row number, cells) into a ParseResult; the first non-empty row holds
    the headers."""
    result = ParseResult(file_format)
    resolver = CitationResolver()
    columns = None
    for number, cells in rows:
        if not any(clean_text(cell) for cell in cells):
            continue
        if columns is None:
            columns = _header_map(cells)
            missing = [name for name in REQUIRED_HEADERS if name not in columns]
            if missing:
                raise QuizError(
                    "bad_headers",
                    _(
                        "Row %(row)d should hold the template's headers; %(missing)s "
                        "is missing. Download the template and keep its first row."
                    )
                    % {"row": number, "missing": "、".join(missing)},
                )
            continue
        _parse_row(result, resolver, columns, number, cells)
    if columns is None:
        raise QuizError("empty_file", _("The file has no rows."))
    return result


def _cell(cells, columns, name):
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return clean_text(cells[index])


def _parse_row(result, resolver, columns, number, cells):
    where = row(number)
    get = lambda name: _cell(cells, columns, name)  # noqa: E731
    kind_text = get("题型")
    kind = parse_kind(kind_text)
    if kind is None:
        if kind_text:
            result.skip(
                where,
                kind_text,
                _("The bank holds only 单选, 多选 and 判断 questions."),
            )
        else:
            result.error(
                where, "kind", _("The type is empty; write 单选, 多选 or 判断.")
            )
        return
    errors = []
    difficulty_text = get("难度") or "3"
    try:
        difficulty = int(float(difficulty_text))
    except ValueError:
        errors.append(
            (
                "difficulty",
                _("Difficulty must be a whole number from 1 to 5, not %(value)s.")
                % {"value": difficulty_text},
            )
        )
        difficulty = 3
    fields = {
        "stem": get("题干"),
        "explanation": get("解析"),
        "difficulty": difficulty,
        "citations": split_citations(get("法律依据")),
        "topics": split_topics(get("标签")),
    }
    keys, answer_error = answer_keys(kind, get("答案"))
    if answer_error:
        errors.append(("answer", answer_error))
    if kind == QuestionKind.TRUE_FALSE:
        data = true_false_data(keys=keys, **fields)
    else:
        options = [get(name) for name in OPTION_HEADERS]
        while options and not options[-1]:
            options.pop()
        if "" in options:
            errors.append(
                (
                    "options",
                    _("Option %(letter)s is empty but a later option is filled.")
                    % {"letter": OPTION_LETTERS[options.index("")]},
                )
            )
        shuffle_text = get("选项乱序").upper()
        if shuffle_text and shuffle_text not in YES | NO:
            errors.append(("options", _("选项乱序 must be 是 or 否.")))
        data = QuestionData(
            kind=kind,
            options=options,
            keys=keys,
            shuffle_options=shuffle_text not in NO,
            **fields,
        )
    result.add(where, data, resolver, errors)


# xlsx ---------------------------------------------------------------------------


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise QuizError(
            "not_xlsx",
            _(
                "This is not an Excel .xlsx file. Save it from Excel or WPS as "
                "“Excel 工作簿 (*.xlsx)” and upload it again."
            ),
        ) from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
        raise QuizError("file_too_large", _("The spreadsheet is too large to import."))
    return archive


def _merged_ranges(archive, worksheet_path):
    try:
        xml = archive.read(worksheet_path.lstrip("/"))
    except KeyError:
        return []
    return MERGE_CELL.findall(xml)


def read_xlsx(data):
    """Parse an xlsx upload (the first sheet, or the one named 题目)."""
    return parse_rows(xlsx_rows(data, SHEET_NAME), "xlsx")


def xlsx_rows(data, sheet_name=None):
    """[(row number, [cell values])] of an xlsx upload's sheet ``sheet_name`` (or
    the first). Refuses formulas and merged cells: a formula's result is not stored
    in the file we read, and a merged cell loses every value but its first. Other
    uploads of the exam (rosters) read their sheets with it too."""
    from openpyxl import load_workbook

    check_size(data)
    archive = _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise QuizError(
            "not_xlsx",
            _(
                "The spreadsheet cannot be read. "
                "Open it in Excel or WPS and save it again."
            ),
        ) from None
    try:
        sheet = (
            workbook[sheet_name]
            if sheet_name in workbook.sheetnames
            else workbook.worksheets[0]
        )
        merged = _merged_ranges(archive, getattr(sheet, "_worksheet_path", ""))
        if merged:
            first = merged[0]
            cells = first[0].decode() + first[1].decode()
            if first[2]:
                cells += ":" + first[2].decode() + first[3].decode()
            raise QuizError(
                "merged_cells",
                _(
                    "The sheet has merged cells (%(cells)s and %(more)d more). "
                    "Unmerge them: each entry needs one row, each field one cell."
                )
                % {"cells": cells, "more": len(merged) - 1},
            )
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    raise QuizError(
                        "formulas",
                        _(
                            "Cell %(cell)s holds a formula. Replace formulas with "
                            "their values (copy, then paste as values) "
                            "and upload again."
                        )
                        % {"cell": cell.coordinate},
                    )
                values.append(cell.value)
            rows.append((number, values))
    finally:
        workbook.close()
    return rows


# CSV ----------------------------------------------------------------------------

ENCODINGS = {"utf-8": "utf-8-sig", "gbk": "gb18030"}


def decode(data, encoding="auto"):
    """Text of a CSV in UTF-8 or GBK. "auto" tries UTF-8 first: GBK bytes are
    almost never valid UTF-8, so a wrong guess fails rather than garbles."""
    if encoding == "auto":
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = "gbk"
    try:
        return data.decode(ENCODINGS.get(encoding, encoding))
    except (UnicodeDecodeError, LookupError):
        other = "GBK" if encoding == "utf-8" else "UTF-8"
        raise QuizError(
            "bad_encoding",
            _(
                "The file is not in %(encoding)s. Choose %(other)s as the encoding "
                "(Excel on Chinese Windows saves CSV as GBK), or “detect”."
            )
            % {"encoding": encoding.upper(), "other": other},
        ) from None


def read_csv(data, encoding="auto"):
    check_size(data)
    text = decode(data, encoding)
    if "\x00" in text:
        raise QuizError("not_csv", _("This is not a CSV text file."))
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as error:
        raise QuizError(
            "not_csv",
            _("The CSV cannot be read near line %(line)d: %(reason)s")
            % {"line": reader.line_num, "reason": error},
        ) from None
    return parse_rows(rows, "csv")


# export -------------------------------------------------------------------------


def question_row(data):
    """The template row of a question (QuestionData)."""
    if data.kind == QuestionKind.TRUE_FALSE:
        options = [""] * len(OPTION_HEADERS)
        answer = "对" if data.keys == [0] else "错"
    else:
        options = list(data.options) + [""] * (len(OPTION_HEADERS) - len(data.options))
        answer = "".join(OPTION_LETTERS[key] for key in sorted(data.keys))
    return [
        KIND_NAMES[data.kind],
        data.stem,
        *options,
        answer,
        data.explanation,
        "；".join(data.citations),
        data.difficulty,
        "、".join(data.topics),
        ""
        if data.kind == QuestionKind.TRUE_FALSE
        else ("是" if data.shuffle_options else "否"),
    ]


INSTRUCTIONS = [
    ["列", "填写说明"],
    ["题型", "单选、多选或判断"],
    ["题干", "题目正文"],
    ["选项A…选项H", "单选、多选至少填两个选项，从选项A起依次填写；判断题不填选项"],
    [
        "答案",
        "单选填一个字母，如 B；多选填两个以上字母，如 ACD；"
        "判断填 对/错（也可 √/×、正确/错误、T/F）",
    ],
    ["解析", "答案的理由，考后向考生显示"],
    ["法律依据", "法律简称或全称加条号，如 民法典第一千一百六十五条；多条用；分隔"],
    ["难度", "1（易）到 5（难），不填为 3"],
    ["标签", "知识点，多个用、分隔"],
    ["选项乱序", "是或否，不填为 是；判断题选项不乱序"],
    ["注意", "不要合并单元格，不要使用公式；一行一题"],
]


def write_xlsx(datas):
    """The template workbook holding these questions (none: the blank template)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    bold = Font(bold=True)
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for data in datas:
        cells = []
        for value in question_row(data):
            if value == "":
                cells.append(None)  # no cell at all: smaller, faster to read
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a stem starting with "=" is text, not a formula
            cells.append(cell)
        sheet.append(cells)
    notes = workbook.create_sheet("填写说明")
    for line_values in INSTRUCTIONS:
        notes.append(line_values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(datas):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for data in datas:
        writer.writerow(question_row(data))
    return buffer.getvalue().encode("utf-8-sig")
