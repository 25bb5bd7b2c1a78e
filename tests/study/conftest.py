import pytest

from quizzes.models import QuestionKind
from tests.factories import (
    CountyFactory,
    PersonFactory,
    UnitFactory,
    valid_id_number,
)
from tests.quizzes.factories import LawArticleFactory, LawFactory, make_question
from tests.study.factories import known_rules

CADRE_ID_NUMBER = valid_id_number(901)
CADRE_PHONE = "13912345678"


@pytest.fixture
def rules(db):
    return known_rules()


@pytest.fixture
def cadre(db):
    """A cadre of a county department, with known numbers."""
    county = CountyFactory(name="博乐市")
    return PersonFactory(
        full_name="王建国",
        id_number=CADRE_ID_NUMBER,
        phone=CADRE_PHONE,
        unit=UnitFactory(name="博乐市司法局", place=county),
        county=county,
    )


@pytest.fixture
def law_questions(db):
    """宪法 with four questions citing it: two singles, a multiple, a true/false.
    Returns (law, questions)."""
    law = LawFactory(title="中华人民共和国宪法", short_name="宪法", slug="constitution")
    article = LawArticleFactory(law=law, number=33)
    questions = [
        make_question(kind=QuestionKind.SINGLE, articles=[article], keys=[1]),
        make_question(kind=QuestionKind.SINGLE, articles=[article], keys=[2]),
        make_question(kind=QuestionKind.MULTIPLE, articles=[article], keys=[0, 2]),
        make_question(kind=QuestionKind.TRUE_FALSE, articles=[article]),
    ]
    return law, questions
