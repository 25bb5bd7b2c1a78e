"""Item analysis, pass rates per unit and the weakest law articles, on a data set
made by hand, with every expected figure worked out below.

Four single-choice questions Q1–Q4 of 1 point each (the bank holds exactly these,
so every paper has all four); pass mark 3. Ten candidates; 1 = answered right:

          Q1 Q2 Q3 Q4 | total | unit
    C1     1  1  1  1 |   4   | A
    C2     1  1  1  0 |   3   | A
    C3     1  0  1  1 |   3   | A
    C4     1  1  0  0 |   2   | A
    C5     0  1  1  0 |   2   | A
    C6     1  0  0  1 |   2   | B
    C7     1  1  0  0 |   2   | B
    C8     0  1  0  0 |   1   | B
    C9     1  0  0  0 |   1   | B
    C10    0  1  0  0 |   1   | B

Facility P = right / 10:  Q1 7/10 = 0.70, Q2 7/10 = 0.70, Q3 4/10 = 0.40,
Q4 3/10 = 0.30.

Groups: 27 % of 10 = 2.7 → 3 candidates each. Upper = C1, C2, C3 (scores 4, 3,
3; the next, C4, has 2). Lower = C8, C9, C10 (score 1; the one above has 2).

Discrimination D = P(upper) − P(lower):
    Q1: upper 3/3, lower 1/3 (C9)       → 1 − 1/3   = 0.67
    Q2: upper 2/3 (C1, C2), lower 2/3   → 0.00 (it does not discriminate)
    Q3: upper 3/3, lower 0/3            → 1.00
    Q4: upper 2/3 (C1, C3), lower 0/3   → 0.67

Passed (≥ 3): C1, C2, C3. Unit A: 3 of 5 = 60.0 %; unit B: 0 of 5 = 0.0 %.

Articles: Q1 cites a1; Q3 cites a1 and a2; Q4 cites a2; Q2 none.
    a1: answers 10 (Q1) + 10 (Q3) = 20, wrong 3 + 6 = 9   → 45 %
    a2: answers 10 (Q3) + 10 (Q4) = 20, wrong 6 + 7 = 13  → 65 %  (weakest)
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from quizzes.models import QuestionKind, Sitting
from quizzes.services import exams, reports, results
from tests.factories import PersonFactory, UnitFactory
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.factories import (
    BlueprintFactory,
    LawArticleFactory,
    add_rule,
    make_question,
)
from tests.quizzes.grading_support import sit

pytestmark = pytest.mark.django_db

MATRIX = [
    (1, 1, 1, 1),
    (1, 1, 1, 0),
    (1, 0, 1, 1),
    (1, 1, 0, 0),
    (0, 1, 1, 0),
    (1, 0, 0, 1),
    (1, 1, 0, 0),
    (0, 1, 0, 0),
    (1, 0, 0, 0),
    (0, 1, 0, 0),
]


@pytest.fixture
def data():
    a1, a2 = LawArticleFactory(), LawArticleFactory()
    questions = [
        make_question(articles=[a1]),
        make_question(),
        make_question(articles=[a1, a2]),
        make_question(articles=[a2]),
    ]
    blueprint = BlueprintFactory(total_points=4, pass_mark=3)
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=4, points=1)
    sitting = SittingFactory(blueprint=blueprint)
    units = [UnitFactory(name="甲单位"), UnitFactory(name="乙单位")]
    for index, row in enumerate(MATRIX):
        person = PersonFactory(full_name=f"C{index + 1}", unit=units[index // 5])
        candidate = CandidateFactory(sitting=sitting, person=person)
        sit(candidate, [q for q, right in zip(questions, row, strict=True) if right])
    exams.close_sitting(sitting=sitting, actor=None)
    return sitting, questions, (a1, a2)


def test_facility_and_discrimination_match_the_hand_computation(data):
    sitting, questions, _articles = data
    items = {item.question.pk: item for item in reports.item_analysis(sitting)}
    figures = {
        name: (
            items[q.pk].facility.quantize(Decimal("0.01")),
            items[q.pk].discrimination.quantize(Decimal("0.01")),
        )
        for name, q in zip(("Q1", "Q2", "Q3", "Q4"), questions, strict=True)
    }
    assert figures == {
        "Q1": (Decimal("0.70"), Decimal("0.67")),
        "Q2": (Decimal("0.70"), Decimal("0.00")),
        "Q3": (Decimal("0.40"), Decimal("1.00")),
        "Q4": (Decimal("0.30"), Decimal("0.67")),
    }
    # The hardest first.
    assert [i.question.pk for i in reports.item_analysis(sitting)][:2] == [
        questions[3].pk,
        questions[2].pk,
    ]


def test_group_size_is_27_percent_rounded_and_at_least_one():
    assert [reports.group_size(n) for n in (0, 1, 2, 10, 100, 101)] == [
        0,
        1,
        1,
        3,
        27,
        27,
    ]


def test_pass_rates_per_unit(data):
    sitting, _questions, _articles = data
    rates = {
        r.unit: r for r in reports.unit_pass_rates(results.sitting_results(sitting))
    }
    assert (rates["甲单位"].sat, rates["甲单位"].passed, rates["甲单位"].rate) == (
        5,
        3,
        60.0,
    )
    assert (rates["乙单位"].passed, rates["乙单位"].rate) == (0, 0.0)
    assert results.summary(results.sitting_results(sitting))["rate"] == 30.0


def test_weakest_articles_by_share_wrong(data):
    _sitting, _questions, (a1, a2) = data
    lines = reports.weakest_articles(Sitting.objects.all())
    assert [(line.article, line.answered, line.wrong) for line in lines] == [
        (a2, 20, 13),
        (a1, 20, 9),
    ]
    assert reports.weakest_articles(Sitting.objects.all(), min_answers=21) == []


def test_report_and_results_workbooks(data):
    sitting, questions, _articles = data
    sheet = load_workbook(io.BytesIO(reports.sitting_report_xlsx(sitting))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[questions[1].pk][2:] == (10, 7, 0.7, 0)
    workbook = load_workbook(io.BytesIO(results.results_xlsx(sitting)))
    result_rows = list(workbook.worksheets[0].iter_rows(min_row=3, values_only=True))
    c1 = next(row for row in result_rows if row[0] == "C1")
    assert c1[4:8] == (1, 4, "优秀", "合格")
    rate_rows = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert ("甲单位", 5, 5, 3, 60.0) in rate_rows


def test_no_attempts_means_no_figures():
    sitting = SittingFactory()
    CandidateFactory(sitting=sitting)
    assert reports.item_analysis(sitting) == []
    assert results.summary(results.sitting_results(sitting))["rate"] is None
