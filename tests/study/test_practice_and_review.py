"""Practice papers with instant feedback, and the review list (错题本) replayed
until every question in it is answered right."""

import pytest

from quizzes.services.papers import displayed_keys
from study.models import PracticeSession, ReviewItem
from study.services.errors import StudyError
from study.services.practice import (
    answer_item,
    open_review_items,
    practice_laws,
    start_practice,
    start_review,
)
from tests.cms.factories import civil_code, episode
from tests.factories import PersonFactory
from tests.quizzes.factories import LawFactory, make_question

pytestmark = pytest.mark.django_db


def wrong(key):
    return [(key[0] + 1) % 2]


def answer(person, session, *, right_positions=None, wrong_positions=()):
    """Answer every question of a session, wrong at ``wrong_positions``."""
    results = []
    for item in session.items.select_related("version").order_by("position"):
        key = displayed_keys(item)
        choice = wrong(key) if item.position in wrong_positions else key
        results.append(
            answer_item(
                person=person,
                session_id=session.pk,
                position=item.position,
                choice=choice,
            )
        )
    return results


def test_feedback_shows_the_answer_the_explanation_and_the_episode(cadre):
    code = civil_code()
    article = code.articles.get(number=1254)
    page = episode(citations=[article], title="第9期 高空抛物")
    make_question(articles=[article], keys=[2], explanation="禁止从建筑物中抛掷物品。")

    session = start_practice(person=cadre, law=code)
    item = session.items.select_related("version").get()
    feedback = answer_item(
        person=cadre,
        session_id=session.pk,
        position=1,
        choice=wrong(displayed_keys(item)),
    )

    assert not feedback.correct
    assert feedback.key == displayed_keys(item)
    assert feedback.explanation == "禁止从建筑物中抛掷物品。"
    [cited] = feedback.articles
    assert cited["label"] == "民法典第一千二百五十四条"
    assert cited["episodes"] == [
        {"title": f"{page.label} 第9期 高空抛物", "url": page.url}
    ]


def test_a_second_answer_to_the_same_question_changes_nothing(cadre, law_questions):
    law, _questions = law_questions
    session = start_practice(person=cadre, law=law)
    item = session.items.select_related("version").get(position=1)
    first = answer_item(
        person=cadre,
        session_id=session.pk,
        position=1,
        choice=wrong(displayed_keys(item)),
    )
    again = answer_item(
        person=cadre, session_id=session.pk, position=1, choice=displayed_keys(item)
    )
    session.refresh_from_db()
    assert (first.correct, again.correct) == (False, False)
    assert (session.answered_count, session.correct_count) == (1, 0)
    assert ReviewItem.objects.get().wrong_count == 1


def test_bad_answers_and_other_peoples_papers_are_refused(cadre, law_questions):
    law, _questions = law_questions
    session = start_practice(person=cadre, law=law)
    cases = [
        (cadre, session.pk, 1, [], "bad_choice"),
        (cadre, session.pk, 1, [9], "bad_choice"),
        (cadre, session.pk, 1, "A", "bad_choice"),
        (cadre, session.pk, 99, [0], "bad_position"),
        (PersonFactory(), session.pk, 1, [0], "no_session"),
    ]
    for person, session_id, position, choice, code in cases:
        with pytest.raises(StudyError) as error:
            answer_item(
                person=person, session_id=session_id, position=position, choice=choice
            )
        assert error.value.code == code
    session.refresh_from_db()
    assert session.answered_count == 0


def test_starting_twice_resumes_the_unfinished_paper(cadre, law_questions):
    law, _questions = law_questions
    first = start_practice(person=cadre, law=law)
    assert start_practice(person=cadre, law=law).pk == first.pk
    answer(cadre, first)
    assert start_practice(person=cadre, law=law).pk != first.pk


def test_a_law_without_questions_cannot_be_practised(cadre, law_questions):
    empty = LawFactory(short_name="国家赔偿法")
    with pytest.raises(StudyError) as error:
        start_practice(person=cadre, law=empty)
    assert error.value.code == "no_questions"
    laws = dict(practice_laws())
    assert laws[law_questions[0]] == 4 and empty not in laws


def test_the_review_list_is_replayed_until_answered_right(cadre, law_questions):
    law, _questions = law_questions
    paper = start_practice(person=cadre, law=law)
    answer(cadre, paper, wrong_positions={1, 2})
    assert len(open_review_items(cadre)) == 2

    # Round 1: one right, one wrong again.
    first_round = start_review(person=cadre)
    assert first_round.kind == PracticeSession.Kind.REVIEW
    assert first_round.question_count == 2
    answer(cadre, first_round, wrong_positions={1})
    remaining = open_review_items(cadre)
    assert len(remaining) == 1 and remaining[0].wrong_count == 2

    # Round 2: the last one answered right; the list is empty.
    second_round = start_review(person=cadre)
    assert second_round.question_count == 1
    answer(cadre, second_round)
    assert open_review_items(cadre) == []
    with pytest.raises(StudyError) as error:
        start_review(person=cadre)
    assert error.value.code == "review_empty"


def test_a_retired_question_waits_outside_the_rounds(cadre, law_questions):
    law, _questions = law_questions
    paper = start_practice(person=cadre, law=law)
    answer(cadre, paper, wrong_positions={1, 2})
    missed = [item.question for item in open_review_items(cadre)]
    missed[0].status = "retired"
    missed[0].save()

    items = open_review_items(cadre)
    assert [item.drawable for item in items].count(False) == 1
    assert start_review(person=cadre).question_count == 1
