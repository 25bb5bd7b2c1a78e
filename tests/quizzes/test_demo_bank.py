"""The demo bank: at least 150 real questions, each citing an article of the demo
law texts that its explanation names, and the ready blueprint 任前考试 标准卷."""

from collections import Counter

import pytest

from quizzes.demo import STANDARD_PAPER
from quizzes.models import Blueprint, Question, QuestionStatus
from quizzes.services.papers import check_blueprint, draw_papers


@pytest.fixture
def demo(demo_data, db):
    return demo_data


def test_the_demo_bank_has_150_cited_explained_questions(demo):
    questions = Question.objects.prefetch_related("articles__law")

    assert questions.count() >= 150
    assert set(questions.values_list("status", flat=True)) == {QuestionStatus.ACTIVE}
    laws = Counter()
    for question in questions:
        articles = list(question.articles.all())
        assert articles, question.stem
        assert any(a.number_label in question.explanation for a in articles), (
            question.stem
        )
        laws.update({a.law.short_name for a in articles})
    assert len(laws) == 10  # every must-know law has questions


def test_the_standard_paper_is_ready(demo):
    blueprint = Blueprint.objects.get(name=STANDARD_PAPER)

    rules = check_blueprint(blueprint, total_points=blueprint.total_points)

    assert sum(rule.count for rule in rules) == 50
    assert blueprint.total_points == 100 and blueprint.pass_mark == 80
    assert [law.short_name for law in blueprint.rules.first().laws.all()] == ["宪法"]
    paper = draw_papers(blueprint=blueprint, candidates=[None])[0]
    assert paper.items.count() == 50
    constitution = {
        item.question_id
        for item in paper.items.filter(rule_position=1).prefetch_related(
            "question__articles__law"
        )
        if {a.law.short_name for a in item.question.articles.all()} == {"宪法"}
    }
    assert len(constitution) == 10
