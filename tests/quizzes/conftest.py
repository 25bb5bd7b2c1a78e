import pytest

from tests.quizzes.factories import LawArticleFactory, LawFactory


@pytest.fixture
def civil_code(db):
    """A law with the articles the tests cite (numbers as in the Civil Code)."""
    law = LawFactory(
        title="中华人民共和国民法典", short_name="民法典", slug="civil-code"
    )
    for number in (1, 2, 1165, 1254):
        LawArticleFactory(law=law, number=number)
    return law


@pytest.fixture
def constitution(db):
    law = LawFactory(title="中华人民共和国宪法", short_name="宪法", slug="constitution")
    for number in (1, 5, 33):
        LawArticleFactory(law=law, number=number)
    return law
