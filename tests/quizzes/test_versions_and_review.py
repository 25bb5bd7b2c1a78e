"""A paper keeps the version it drew; amended or repealed law flags 待复核 until a
reviewer clears it; other apps find the questions citing an article."""

import pytest

from cms.models import LawArticle
from cms.models.laws import LawStatus
from org import roles
from quizzes.models import QuestionFlag, QuestionKind, QuestionStatus
from quizzes.services import QuizError
from quizzes.services.bank import clear_review, questions_citing, sync_version
from quizzes.services.papers import candidate_paper, draw_paper
from tests.factories import staff_user
from tests.quizzes.factories import BlueprintFactory, add_rule, make_question


def edit(question, **fields):
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    return sync_version(question)


@pytest.fixture
def one_question_paper(db):
    question = make_question(stem="原题干", options=["甲", "乙"], keys=[0])
    blueprint = BlueprintFactory(total_points=1, pass_mark=1)
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=1)
    return question, blueprint


def test_editing_a_question_no_paper_drew_keeps_its_version(one_question_paper):
    question, _blueprint = one_question_paper
    first = question.current_version

    version = edit(question, stem="改过的题干")

    assert version.pk == first.pk
    assert version.number == 1
    assert version.stem == "改过的题干"


def test_editing_a_drawn_question_makes_a_new_version_the_paper_keeps_the_old(
    one_question_paper,
):
    question, blueprint = one_question_paper
    paper = draw_paper(blueprint=blueprint)

    version = edit(question, stem="改过的题干")

    assert version.number == 2
    assert question.versions.count() == 2
    assert candidate_paper(paper)["questions"][0]["stem"] == "原题干"
    assert candidate_paper(draw_paper(blueprint=blueprint))["questions"][0]["stem"] == (
        "改过的题干"
    )


def test_saving_without_a_change_makes_no_version(one_question_paper):
    question, blueprint = one_question_paper
    draw_paper(blueprint=blueprint)

    edit(question)

    assert question.versions.count() == 1


def test_changing_the_key_of_a_drawn_question_is_a_new_version(one_question_paper):
    question, blueprint = one_question_paper
    paper = draw_paper(blueprint=blueprint)
    options = list(question.options.all())
    options[0].is_correct, options[1].is_correct = False, True
    for option in options:
        option.save()

    version = sync_version(question)

    assert version.keys == [1]
    assert paper.items.get().version.keys == [0]


@pytest.fixture
def cited(civil_code):
    article = LawArticle.objects.get(law=civil_code, number=1165)
    question = make_question(stem="过错责任", articles=[article])
    other = make_question(stem="不引用这一条")
    return article, question, other


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (LawStatus.AMENDED, QuestionFlag.Reason.ARTICLE_AMENDED),
        (LawStatus.REPEALED, QuestionFlag.Reason.ARTICLE_REPEALED),
    ],
)
def test_an_amended_or_repealed_article_flags_its_questions(cited, status, reason):
    article, question, other = cited

    article.status = status
    article.save()

    question.refresh_from_db()
    other.refresh_from_db()
    assert question.needs_review and not other.needs_review
    assert question.flags.get().reason == reason
    assert question.flags.get().article == article


def test_a_repealed_law_flags_the_questions_citing_any_of_its_articles(cited):
    article, question, _other = cited

    article.law.status = LawStatus.REPEALED
    article.law.save()

    question.refresh_from_db()
    assert question.needs_review
    assert question.flags.get().reason == QuestionFlag.Reason.LAW_REPEALED


def test_a_changed_article_text_flags_and_an_unrelated_save_does_not(cited):
    article, question, _other = cited

    article.heading = "第七编 侵权责任"
    article.save()
    question.refresh_from_db()
    assert not question.needs_review

    article.text = "修改后的条文。"
    article.save()
    question.refresh_from_db()
    assert question.needs_review


def test_a_reviewer_clears_the_flag_and_the_history_stays(cited):
    article, question, _other = cited
    article.status = LawStatus.AMENDED
    article.save()
    reviewer = staff_user(roles.REVIEWER)

    clear_review(question=question, reviewer=reviewer)

    question.refresh_from_db()
    assert not question.needs_review
    assert question.reviewer == reviewer
    flag = question.flags.get()
    assert flag.cleared_by == reviewer and flag.cleared_at is not None
    # Saving the article again without a change does not flag it anew.
    article.save()
    question.refresh_from_db()
    assert not question.needs_review


def test_an_editor_cannot_clear_the_flag_and_a_second_clear_is_refused(cited):
    article, question, _other = cited
    article.status = LawStatus.AMENDED
    article.save()

    with pytest.raises(QuizError) as caught:
        clear_review(question=question, reviewer=staff_user(roles.EDITOR))
    assert caught.value.code == "not_allowed"

    clear_review(question=question, reviewer=staff_user(roles.REVIEWER))
    with pytest.raises(QuizError) as caught:
        clear_review(question=question, reviewer=staff_user(roles.ADMINISTRATOR))
    assert caught.value.code == "not_flagged"


def test_questions_citing_returns_active_questions_once(civil_code):
    articles = list(civil_code.articles.all())
    both = make_question(stem="引两条", articles=articles[:2])
    make_question(stem="草稿", articles=articles[:1], status=QuestionStatus.DRAFT)
    make_question(stem="别的条", articles=articles[2:3])

    found = list(questions_citing([a.pk for a in articles[:2]]))

    assert found == [both]
    assert len(questions_citing([articles[0].pk], include_inactive=True)) == 2
