"""Acceptance 3 and the draw's rules: every eligible question appears over many
draws, none twice in a paper, every rule's count holds; seeds reproduce papers;
options are shuffled per candidate and stored; 待复核 questions are never drawn."""

from collections import Counter

import pytest

from cms.models import LawArticle
from quizzes.models import Paper, PaperQuestion, Question, QuestionKind
from quizzes.services import QuizError
from quizzes.services.papers import (
    answer_key,
    candidate_paper,
    check_blueprint,
    draw_paper,
    draw_papers,
)
from tests.factories import PersonFactory
from tests.quizzes.factories import (
    BlueprintFactory,
    add_rule,
    make_question,
    must_know_list,
)

DRAWS = 1000


@pytest.fixture
def bank(civil_code, constitution):
    """Rules that share questions: rule 1 (宪法 单选, difficulty ≤ 3) draws from
    the pool of rule 2 (单选 from the whole must-know list)."""
    c_articles = list(constitution.articles.all())
    l_articles = list(civil_code.articles.all())
    for n in range(12):
        make_question(
            stem=f"宪法单选{n}", articles=[c_articles[n % 3]], difficulty=1 + n % 3
        )
    make_question(stem="宪法单选难题", articles=[c_articles[0]], difficulty=5)
    for n in range(20):
        make_question(stem=f"民法典单选{n}", articles=[l_articles[n % 4]])
    for n in range(9):
        make_question(
            kind=QuestionKind.MULTIPLE,
            stem=f"民法典多选{n}",
            options=["甲", "乙", "丙", "丁", "戊"],
            keys=[0, 2],
            articles=[l_articles[n % 4]],
        )
    for n in range(15):
        make_question(kind=QuestionKind.TRUE_FALSE, stem=f"判断{n}", keys=[n % 2])
    listing = must_know_list([constitution, civil_code])
    blueprint = BlueprintFactory(total_points=38, pass_mark=30)
    add_rule(
        blueprint,
        kind=QuestionKind.SINGLE,
        count=10,
        points=2,
        laws=[constitution],
        max_difficulty=3,
    )
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=6, points=1, must_know=listing)
    add_rule(
        blueprint, kind=QuestionKind.MULTIPLE, count=3, points=2, laws=[civil_code]
    )
    add_rule(blueprint, kind=QuestionKind.TRUE_FALSE, count=6, points=1)
    return blueprint


def eligible(rule_position, blueprint):
    rule = list(blueprint.rules.all())[rule_position - 1]
    questions = Question.objects.filter(
        kind=rule.kind, difficulty__lte=rule.max_difficulty
    )
    if rule.laws.exists():
        questions = questions.filter(articles__law__in=rule.laws.all())
    if rule.must_know_list:
        questions = questions.filter(
            articles__law__list_entries__must_know_list=rule.must_know_list
        )
    return set(questions.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_thousand_draws_use_every_eligible_question_and_keep_every_rule(bank):
    papers = draw_papers(blueprint=bank, candidates=[None] * DRAWS)

    items = list(
        PaperQuestion.objects.filter(paper__in=papers).values_list(
            "paper_id", "question_id", "rule_position", "points"
        )
    )
    by_paper = {}
    for paper_id, question_id, rule, points in items:
        by_paper.setdefault(paper_id, []).append((question_id, rule, points))
    assert len(by_paper) == DRAWS
    expected_counts = {1: 10, 2: 6, 3: 3, 4: 6}
    for paper_items in by_paper.values():
        questions = [q for q, _r, _p in paper_items]
        assert len(questions) == len(set(questions)) == 25  # none twice
        assert Counter(r for _q, r, _p in paper_items) == expected_counts
        assert sum(p for _q, _r, p in paper_items) == 38
    drawn = Counter(q for _paper, q, _r, _p in items)
    for rule in expected_counts:
        pool = eligible(rule, bank)
        drawn_by_rule = {q for _paper, q, r, _p in items if r == rule}
        assert drawn_by_rule <= pool  # nothing outside the rule
    every_eligible = (
        eligible(1, bank) | eligible(2, bank) | eligible(3, bank) | eligible(4, bank)
    )
    assert set(drawn) == every_eligible  # every eligible question appears
    hard = Question.objects.get(stem="宪法单选难题")
    assert hard.pk in eligible(2, bank) and hard.pk not in eligible(1, bank)


@pytest.mark.django_db
def test_use_is_spread_evenly_over_equivalent_questions(bank):
    draw_papers(blueprint=bank, candidates=[None] * 300)

    true_false = Question.objects.filter(kind=QuestionKind.TRUE_FALSE)
    uses = [q.times_drawn for q in true_false]
    # 300 papers × 6 of 15 questions: 120 each; least-used-first keeps it exact.
    assert set(uses) == {120}
    multiple = [
        q.times_drawn for q in Question.objects.filter(kind=QuestionKind.MULTIPLE)
    ]
    assert max(multiple) - min(multiple) <= 1


@pytest.mark.django_db
def test_the_same_seed_on_the_same_bank_draws_the_same_paper(bank):
    first = draw_paper(blueprint=bank, seed=20240901)
    Question.objects.update(times_drawn=0)  # the bank as it was
    second = draw_paper(blueprint=bank, seed=20240901)

    def content(paper):
        return list(
            paper.items.order_by("position").values_list("question_id", "option_order")
        )

    assert content(first) == content(second)
    assert first.seed == second.seed == 20240901
    other = draw_paper(blueprint=bank, seed=7)
    Question.objects.update(times_drawn=0)
    assert content(other) != content(draw_paper(blueprint=bank, seed=8))


@pytest.mark.django_db
def test_options_are_shuffled_per_candidate_and_the_key_follows(bank):
    candidates = [PersonFactory(), PersonFactory()]

    papers = draw_papers(blueprint=bank, candidates=candidates, shared=True)

    template = papers[0].shared_from
    assert template.candidate is None
    questions = [
        list(p.items.order_by("position").values_list("question_id", flat=True))
        for p in papers
    ]
    assert questions[0] == questions[1]  # one shared paper
    orders = [
        list(p.items.order_by("position").values_list("option_order", flat=True))
        for p in papers
    ]
    assert orders[0] != orders[1]  # but each candidate's own option order
    for paper in papers:
        view = candidate_paper(paper)
        key = answer_key(paper)
        for item, shown in zip(
            paper.items.order_by("position").select_related("version"),
            view["questions"],
            strict=True,
        ):
            assert shown["options"] == [
                item.version.options[i] for i in item.option_order
            ]
            right = {item.version.options[k] for k in item.version.keys}
            assert {shown["options"][i] for i in key[item.position]} == right
            if item.version.kind == QuestionKind.TRUE_FALSE:
                assert shown["options"] == ["正确", "错误"]


@pytest.mark.django_db
def test_what_a_candidate_receives_holds_no_key_and_no_explanation(bank):
    paper = draw_paper(blueprint=bank, candidate=PersonFactory())

    view = candidate_paper(paper)

    text = repr(view)
    assert "keys" not in text and "correct" not in text and "explanation" not in text
    assert "因为条文如此规定" not in text
    assert set(view["questions"][0]) == {
        "position",
        "kind",
        "stem",
        "options",
        "points",
    }


@pytest.mark.django_db
def test_questions_waiting_for_review_are_never_drawn(bank, constitution):
    article = LawArticle.objects.get(law=constitution, number=1)
    article.status = "amended"
    article.save()
    flagged = set(
        Question.objects.filter(needs_review=True).values_list("pk", flat=True)
    )
    assert flagged  # the questions citing 宪法第一条

    with pytest.raises(QuizError) as caught:
        check_blueprint(bank)  # rule 1 now lacks questions
    assert caught.value.code == "blueprint_infeasible"
    assert "规则1" in str(caught.value.details[0]) or "Rule 1" in str(
        caught.value.details[0]
    )

    bank.rules.filter(sort_order=0).update(count=2, max_difficulty=5)
    papers = draw_papers(blueprint=bank, candidates=[None] * 50)
    drawn = set(
        PaperQuestion.objects.filter(paper__in=papers).values_list(
            "question_id", flat=True
        )
    )
    assert not drawn & flagged


@pytest.mark.django_db
def test_an_infeasible_blueprint_names_each_rule_and_saves_no_paper(bank):
    add_rule(bank, kind=QuestionKind.MULTIPLE, count=50, points=0)
    add_rule(bank, kind=QuestionKind.TRUE_FALSE, count=16, points=0)

    with pytest.raises(QuizError) as caught:
        draw_papers(blueprint=bank, candidates=[None] * 3)

    details = [str(d) for d in caught.value.details]
    assert len(details) == 2
    assert "5" in details[0] and "9" in details[0]  # rule 5 asks 50, the bank has 9
    assert "6" in details[1] and "15" in details[1]
    assert Paper.objects.count() == 0


@pytest.mark.django_db
def test_rules_sharing_questions_are_checked_together(civil_code):
    article = civil_code.articles.first()
    for n in range(5):
        make_question(stem=f"共用{n}", articles=[article])
    blueprint = BlueprintFactory(total_points=6, pass_mark=3)
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=3, laws=[civil_code])
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=3)

    with pytest.raises(QuizError) as caught:
        check_blueprint(blueprint)

    assert len(caught.value.details) >= 1
    assert "共用" in str(caught.value.details[0]) or "shares" in str(
        caught.value.details[0]
    )
