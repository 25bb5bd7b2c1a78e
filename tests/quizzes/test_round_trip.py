"""Acceptance 1: export → import into an empty bank reproduces it exactly."""

import pytest

from quizzes.models import Question, QuestionKind
from quizzes.services.bank import question_data
from quizzes.services.imports import commit_import, export_questions, preview_import
from tests.quizzes.factories import make_question


@pytest.fixture
def varied_bank(civil_code, constitution):
    articles = {a.number: a for a in civil_code.articles.all()}
    make_question(
        stem="行为人因过错侵害他人民事权益造成损害的，应当（　）。",
        options=["承担侵权责任", "承担刑事责任"],
        keys=[0],
        difficulty=1,
        articles=[articles[1165]],
        topics=["侵权责任", "总则"],
    )
    make_question(
        kind=QuestionKind.MULTIPLE,
        stem='含特殊字符的题干：a = b, x < y & z > 0, "引号", {花括号} ~ # :\n第二行',
        options=[f"选项{n}<b>粗</b>" for n in range(8)],
        keys=[0, 3, 7],
        shuffle_options=False,
        difficulty=5,
        explanation="解析也有\n两行 & 符号",
        articles=[articles[1], articles[2]],
        topics=["长题"],
    )
    make_question(
        kind=QuestionKind.TRUE_FALSE,
        stem="中华人民共和国的一切权力属于人民。",
        keys=[0],
        articles=list(constitution.articles.filter(number=1)),
    )
    make_question(
        kind=QuestionKind.TRUE_FALSE, stem="=1+1 不是公式，是题干。", keys=[1]
    )
    make_question(
        stem="没有法律依据、没有标签、没有解析的题",
        options=["一", "二", "三"],
        keys=[2],
        explanation="",
    )
    return sorted(question_data(q).content() for q in Question.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["xlsx", "moodle"])
def test_export_then_import_into_an_empty_bank_reproduces_it(varied_bank, file_format):
    content, _type, extension = export_questions(Question.objects.all(), file_format)
    Question.objects.all().delete()
    assert Question.objects.count() == 0

    batch = preview_import(user=None, file_name=f"bank.{extension}", data=content)
    assert batch.report["errors"] == []
    assert batch.report["duplicates"] == []
    commit_import(import_id=batch.pk, user=None)

    restored = sorted(question_data(q).content() for q in Question.objects.all())
    assert restored == varied_bank


@pytest.mark.django_db
def test_the_xlsx_export_is_the_downloadable_template(varied_bank):
    from io import BytesIO

    from openpyxl import load_workbook

    from quizzes.formats.table import HEADERS

    content, _type, _ext = export_questions(Question.objects.all(), "xlsx")
    sheet = load_workbook(BytesIO(content), read_only=True)["题目"]
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == HEADERS
    assert len(rows) == 1 + len(varied_bank)
    answers = {row[1]: row[HEADERS.index("答案")] for row in rows[1:]}
    assert answers["中华人民共和国的一切权力属于人民。"] == "对"
    citations = {row[1]: row[HEADERS.index("法律依据")] for row in rows[1:]}
    assert citations["行为人因过错侵害他人民事权益造成损害的，应当（　）。"] == (
        "民法典第一千一百六十五条"
    )
