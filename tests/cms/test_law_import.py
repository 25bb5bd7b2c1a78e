"""Importing a law's plain text into articles; bad text saves nothing."""

import pytest
from django.core.management import CommandError, call_command

from cms.models import Law, LawArticle
from cms.numerals import chinese_to_int, int_to_chinese
from cms.services.laws import LawError, find_article, import_law, parse_law_text

HEADER = "# title: 法\n# short_name: 法\n# kind: law\n"
TEXT = """# title: 中华人民共和国示例法
# short_name: 示例法
# kind: law
# effective_date: 2021-07-15

第一编 总则
第一章 一般规定
第一条 为了规范示例，制定本法。
第二条　示例应当遵循下列原则：
（一）合法；
（二）合理。
第二章 具体规定
第一节 程序
第十条 示例机关应当依法办理。
第一百一十条 第一百一十条的正文。
第一千一百六十五条 行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任。
"""


@pytest.mark.parametrize(
    ("number", "numeral"),
    [
        (1, "一"),
        (10, "十"),
        (15, "十五"),
        (102, "一百零二"),
        (110, "一百一十"),
        (1024, "一千零二十四"),
        (1165, "一千一百六十五"),
        (1254, "一千二百五十四"),
    ],
)
def test_article_numerals_both_ways(number, numeral):
    assert int_to_chinese(number) == numeral
    assert chinese_to_int(numeral) == number


def test_the_text_splits_into_articles_with_their_headings():
    parsed = parse_law_text(TEXT)

    assert [a.number for a in parsed.articles] == [1, 2, 10, 110, 1165]
    assert (
        parsed.articles[1].text == "示例应当遵循下列原则：\n（一）合法；\n（二）合理。"
    )
    assert parsed.articles[0].heading == "第一编 总则 / 第一章 一般规定"
    assert parsed.articles[2].heading == "第一编 总则 / 第二章 具体规定 / 第一节 程序"
    assert parsed.metadata["short_name"] == "示例法"


@pytest.mark.django_db
def test_import_creates_the_law_and_a_second_import_changes_nothing():
    first = import_law(text=TEXT, slug="example")
    second = import_law(text=TEXT, slug="example")

    law = Law.objects.get()
    assert first.created and first.articles_added == 5
    assert not second.created and second.articles_unchanged == 5
    assert law.effective_date.isoformat() == "2021-07-15"
    assert (
        str(find_article(law=law, number="第一千一百六十五条"))
        == "示例法第一千一百六十五条"
    )


@pytest.mark.django_db
def test_a_changed_article_is_updated_in_place():
    import_law(text=TEXT, slug="example")
    article = LawArticle.objects.get(number=10)

    result = import_law(
        text=TEXT.replace("示例机关应当依法办理。", "示例机关应当依法及时办理。")
    )

    article.refresh_from_db()
    assert result.articles_changed == 1
    assert article.text == "示例机关应当依法及时办理。"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("随便写的一段话，没有条文。", "no_articles", None),
        (
            "# title: 法\n# short_name: 法\n# kind: law\n第二条 甲。\n第一条 乙。",
            "article_order",
            5,
        ),
        (
            HEADER + "第一条 甲。\n第二条\n第三条 丙",
            "empty_article",
            5,
        ),
        (
            "# title: 法\n# short_name: 法\n# kind: treaty\n第一条 甲。",
            "bad_kind",
            None,
        ),
        ("# title: 法\n# kind: law\n第一条 甲。", "metadata_missing", None),
        (
            HEADER + "# effective_date: 2021/7/15\n第一条 甲。",
            "bad_date",
            None,
        ),
    ],
)
@pytest.mark.django_db
def test_text_that_does_not_parse_is_refused_and_saves_nothing(text, code, line):
    with pytest.raises(LawError) as error:
        import_law(text=text, slug="bad")

    assert error.value.code == code
    assert error.value.line == line
    assert Law.objects.count() == 0
    assert LawArticle.objects.count() == 0


@pytest.mark.django_db
def test_an_article_that_does_not_exist_is_named_in_the_error():
    law = import_law(text=TEXT, slug="example").law

    with pytest.raises(LawError) as error:
        find_article(law=law, number="第九十九条")

    assert error.value.code == "no_such_article"


@pytest.mark.django_db
def test_the_command_reports_the_line_of_a_bad_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(
        "# title: 法\n# short_name: 法\n# kind: law\n第二条 甲。\n第一条 乙。"
    )

    with pytest.raises(CommandError) as error:
        call_command("import_law", str(path))

    assert "5" in str(error.value)
    assert Law.objects.count() == 0


@pytest.mark.django_db
def test_the_public_law_page_lists_its_articles(client):
    import_law(text=TEXT, slug="example")

    response = client.get("/laws/example/")

    assert response.status_code == 200
    assert "第一千一百六十五条" in response.text
    assert 'id="article-1165"' in response.text
