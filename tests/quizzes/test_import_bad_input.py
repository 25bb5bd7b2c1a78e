"""Acceptance 2: every bad input gets a clear Chinese message and leaves the bank
exactly as it was."""

import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from quizzes.formats.table import HEADERS
from quizzes.models import Question, QuestionImport, QuestionOption, QuestionVersion
from quizzes.services import QuizError
from quizzes.services.imports import commit_import, preview_import
from tests.quizzes.factories import make_question

ROW = {"题型": "单选", "题干": "题干", "选项A": "甲", "选项B": "乙", "答案": "A"}


def xlsx(rows, *, merge=None, formula_at=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values.get(name, "") for name in HEADERS])
    if merge:
        sheet.merge_cells(merge)
    if formula_at:
        sheet[formula_at] = '=CONCATENATE("甲","乙")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bank_rows():
    return (
        Question.objects.count(),
        QuestionOption.objects.count(),
        QuestionVersion.objects.count(),
    )


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def bank(db):
    make_question(stem="题库里原有的一道题")
    return bank_rows()


def refused(file_name, data, **options):
    """The QuizError the file is refused with; the bank must be unchanged."""
    with pytest.raises(QuizError) as caught:
        preview_import(user=None, file_name=file_name, data=data, **options)
    return caught.value


def previewed_with_errors(file_name, data, **options):
    """A preview that lists errors and cannot be committed."""
    batch = preview_import(user=None, file_name=file_name, data=data, **options)
    assert batch.report["errors"]
    with pytest.raises(QuizError) as caught:
        commit_import(import_id=batch.pk, user=None)
    assert caught.value.code == "import_has_errors"
    batch.refresh_from_db()
    assert batch.status == QuestionImport.Status.PREVIEWED
    return batch.report["errors"]


@pytest.mark.parametrize("name", ["bank.xlsx", "bank.csv", "bank.xml", "bank.gift"])
def test_an_empty_file_is_refused(bank, name):
    error = refused(name, b"")

    assert error.code == "empty_file"
    assert "空" in str(error.message)
    assert bank_rows() == bank


def test_a_20_mb_file_that_is_no_spreadsheet_is_refused_unread(bank):
    error = refused("bank.xlsx", os.urandom(20 * 1024 * 1024))

    assert error.code == "file_too_large"
    assert "10 MB" in str(error.message)
    assert bank_rows() == bank


def test_a_small_file_that_is_no_spreadsheet_is_refused(bank):
    error = refused("bank.xlsx", b"%PDF-1.7 not a workbook" * 50)

    assert error.code == "not_xlsx"
    assert "xlsx" in str(error.message)
    assert bank_rows() == bank


def test_an_xlsx_with_a_formula_is_refused_naming_the_cell(bank):
    error = refused("bank.xlsx", xlsx([ROW], formula_at="C2"))

    assert error.code == "formulas"
    assert "C2" in str(error.message)
    assert "公式" in str(error.message)
    assert bank_rows() == bank


def test_an_xlsx_with_merged_header_cells_is_refused(bank):
    error = refused("bank.xlsx", xlsx([ROW], merge="C1:D1"))

    assert error.code == "merged_cells"
    assert "C1:D1" in str(error.message)
    assert bank_rows() == bank


def test_a_multiple_choice_question_without_a_correct_key(bank):
    errors = previewed_with_errors(
        "bank.xlsx", xlsx([ROW, {**ROW, "题型": "多选", "答案": ""}])
    )

    assert errors == [
        {"where": "第3行", "field": "答案", "message": "没有给出正确答案。"}
    ]
    assert bank_rows() == bank


def test_a_key_pointing_to_a_missing_option(bank):
    errors = previewed_with_errors(
        "bank.xlsx", xlsx([{**ROW, "题型": "多选", "答案": "AD"}])
    )

    assert errors[0]["where"] == "第2行"
    assert errors[0]["field"] == "答案"
    assert "不存在" in errors[0]["message"]
    assert bank_rows() == bank


def test_malformed_moodle_xml_names_the_line(bank):
    data = (
        '<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n'
        "<questiontext><text>未闭合</questiontext>\n</quiz>\n"
    ).encode()

    error = refused("bank.xml", data)

    assert error.code == "malformed_xml"
    assert "第 4 行" in str(error.message) or "4" in str(error.message)
    assert bank_rows() == bank


def test_moodle_xml_with_entities_is_refused_unexpanded(bank):
    data = (
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>'
    )

    error = refused("bank.xml", data)

    assert error.code == "unsafe_xml"
    assert bank_rows() == bank


def test_gift_with_an_unclosed_brace(bank):
    data = "::q1:: 宪法是国家的根本法。{T}\n\n::q2:: 一加一等于几？{=二 ~三\n".encode()

    errors = previewed_with_errors("bank.gift", data)

    assert [e["where"] for e in errors] == ["第3行"]
    assert "没有闭合" in errors[0]["message"]
    assert bank_rows() == bank


def test_an_aiken_file_without_an_answer_line(bank):
    data = "第一题？\nA. 甲\nB. 乙\nANSWER: A\n\n第二题？\nA. 甲\nB. 乙\n".encode()

    errors = previewed_with_errors("bank.txt", data, file_format="aiken")

    assert [e["where"] for e in errors] == ["第6行"]
    assert "ANSWER" in errors[0]["message"]
    assert bank_rows() == bank


def test_a_gbk_csv_read_as_utf8_is_refused_with_the_fix(bank):
    text = "题型,题干,选项A,选项B,答案\n单选,宪法是根本法吗,是,否,A\n"

    error = refused("bank.csv", text.encode("gbk"), encoding="utf-8")

    assert error.code == "bad_encoding"
    assert "GBK" in str(error.message)
    assert bank_rows() == bank


def test_a_gbk_csv_is_detected_and_read(bank):
    text = "题型,题干,选项A,选项B,答案\n单选,宪法是根本法吗,是,否,A\n"

    batch = preview_import(user=None, file_name="bank.csv", data=text.encode("gbk"))

    assert batch.report["errors"] == []
    assert batch.questions[0]["stem"] == "宪法是根本法吗"


def test_an_article_not_in_the_law_is_a_row_error(bank, civil_code):
    errors = previewed_with_errors(
        "bank.xlsx",
        xlsx([{**ROW, "法律依据": "民法典第一千一百六十五条；民法典第九百九十九条"}]),
    )

    assert errors[0]["field"] == "法律依据"
    assert "999" in errors[0]["message"]
    assert bank_rows() == bank


def test_unsupported_types_are_listed_by_count_and_reason(bank):
    data = (
        '<?xml version="1.0"?><quiz>'
        '<question type="essay"><questiontext><text>论述</text>'
        "</questiontext></question>"
        '<question type="essay"><questiontext><text>论述二</text>'
        "</questiontext></question>"
        '<question type="shortanswer"><questiontext><text>填空</text>'
        "</questiontext></question>"
        '<question type="truefalse"><questiontext format="html"><text>&lt;p&gt;宪法'
        "&lt;script&gt;alert(1)&lt;/script&gt;是根本法&lt;/p&gt;</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>'
        "</quiz>"
    ).encode()

    batch = preview_import(user=None, file_name="bank.xml", data=data)

    assert batch.report["total"] == 1
    assert batch.questions[0]["stem"] == "宪法是根本法"  # script and tags gone
    assert [(u["type"], u["count"]) for u in batch.report["unsupported"]] == [
        ("essay", 2),
        ("shortanswer", 1),
    ]
    assert batch.report["unsupported_total"] == 3


def test_the_command_refuses_with_a_non_zero_exit_and_the_same_messages(bank, tmp_path):
    path = tmp_path / "bank.xlsx"
    path.write_bytes(xlsx([{**ROW, "答案": "Z"}]))
    out = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_questions", str(path), stdout=out)

    assert "第2行 · 答案" in out.getvalue()
    assert "没有导入" in str(caught.value) or "未导入" in str(caught.value)
    assert bank_rows() == bank


def test_the_command_imports_a_good_file(bank, tmp_path):
    path = tmp_path / "bank.xlsx"
    path.write_bytes(xlsx([ROW, {**ROW, "题干": "第二题"}]))

    call_command(
        "import_questions", str(path), "--status", "active", stdout=io.StringIO()
    )

    assert Question.objects.count() == bank[0] + 2
