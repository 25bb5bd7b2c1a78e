"""What each format reads: GIFT and Aiken as Moodle writes them, Moodle XML
categories, CSV with a BOM, the template's optional column."""

import pytest

from quizzes import formats
from quizzes.models import QuestionKind


def read(name, text, **options):
    result = formats.read(file_name=name, data=text.encode("utf-8"), **options)
    assert result.errors == []
    return [data for _where, data in result.questions]


@pytest.mark.django_db
def test_gift_single_multiple_true_false_categories_and_escapes():
    text = """// 注释行
$CATEGORY: $course$/top/宪法/国家机构

::q1:: 全国人大是最高国家权力机关。{T}

::q2:: 下列属于国家机关的有 {
  ~%50%审判机关
  ~%50%检察机关
  ~%-100%村民委员会 # 不是国家机关
}

::q3:: 1 \\= 1 是 {=对的 \\{括号\\} ~错的 ####解析：等号要转义}
"""
    tf, multiple, single = read("bank.gift", text)

    assert tf.kind == QuestionKind.TRUE_FALSE and tf.keys == [0]
    assert tf.topics == ["宪法/国家机构"]
    assert multiple.kind == QuestionKind.MULTIPLE
    assert multiple.options == ["审判机关", "检察机关", "村民委员会"]
    assert multiple.keys == [0, 1]
    assert single.stem == "1 = 1 是"
    assert single.options == ["对的 {括号}", "错的"]
    assert single.explanation == "解析：等号要转义"


@pytest.mark.django_db
def test_aiken():
    text = "宪法是国家的什么法？\nA. 根本法\nB) 普通法\nANSWER: A\n"

    (question,) = read("bank.txt", text, file_format="aiken")

    assert question.kind == QuestionKind.SINGLE
    assert question.options == ["根本法", "普通法"]
    assert question.keys == [0]


@pytest.mark.django_db
def test_moodle_multiple_answers_html_options_and_category_tags():
    text = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/默认 for 法治/行政法</text></category>
  </question>
  <question type="multichoice">
    <questiontext format="html">
      <text><![CDATA[<p>行政处罚的种类有<br>（多选）</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>见第九条&nbsp;</p>]]></text>
    </generalfeedback>
    <single>false</single>
    <answer fraction="50" format="html">
      <text><![CDATA[<b>警告</b>]]></text>
    </answer>
    <answer fraction="50" format="html"><text>罚款</text></answer>
    <answer fraction="-50" format="html"><text>记过</text></answer>
  </question>
</quiz>"""

    (question,) = read("bank.xml", text)

    assert question.stem == "行政处罚的种类有\n（多选）"
    assert question.explanation == "见第九条"
    assert question.options == ["警告", "罚款", "记过"]
    assert question.keys == [0, 1]
    assert question.topics == ["行政法"]  # Moodle's default category is left out


@pytest.mark.django_db
def test_csv_with_a_bom_and_the_optional_shuffle_column():
    text = (
        "\ufeff题型,题干,选项A,选项B,答案,难度,标签,选项乱序\n"
        "单选,题,甲,乙,B,4,甲、乙,否\n"
    )

    (question,) = read("bank.csv", text)

    assert question.keys == [1]
    assert question.difficulty == 4
    assert question.topics == sorted(["甲", "乙"])
    assert question.shuffle_options is False
