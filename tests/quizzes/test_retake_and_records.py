"""补考 in one step (failed and absent candidates carried, each once, with where
they came from) and each cadre's record of sittings for 组织部."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from org import roles
from quizzes.models import ProctorAction, QuestionKind, Sitting
from quizzes.services import exams, rosters
from quizzes.services.errors import QuizError
from quizzes.services.results import person_records
from tests.factories import PersonFactory, UnitFactory, staff_user
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.factories import BlueprintFactory, add_rule, make_question
from tests.quizzes.grading_support import sit

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    """A closed sitting: 王 passed, 李 failed, 赵 was absent."""
    questions = [make_question(), make_question()]
    blueprint = BlueprintFactory(total_points=2, pass_mark=2)
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=2, points=1)
    sitting = SittingFactory(blueprint=blueprint, name="第一批")
    unit = UnitFactory(name="州司法局")
    people = {
        name: PersonFactory(full_name=name, unit=unit) for name in ("王", "李", "赵")
    }
    candidates = {
        name: CandidateFactory(sitting=sitting, person=person)
        for name, person in people.items()
    }
    sit(candidates["王"], questions)
    sit(candidates["李"], questions[:1])
    exams.close_sitting(sitting=sitting, actor=None)
    sitting.refresh_from_db()
    return sitting, candidates, blueprint


def test_failed_and_absent_candidates_are_carried_once(closed):
    sitting, candidates, blueprint = closed
    retake = SittingFactory(
        blueprint=blueprint, retake_of=sitting, status=Sitting.Status.DRAFT
    )
    CandidateFactory(sitting=retake, person=candidates["赵"].person)  # already there
    user = staff_user(roles.PROCTOR)

    carried = rosters.carry_failed(sitting=sitting, retake=retake, actor=user)

    assert [c.person.full_name for c in carried] == ["李"]
    assert carried[0].carried_from == candidates["李"]
    assert retake.candidates.count() == 2
    action = ProctorAction.objects.get(kind=ProctorAction.Kind.CARRY_FAILED)
    assert action.sitting == retake and action.detail["count"] == 1
    assert rosters.carry_failed(sitting=sitting, retake=retake, actor=user) == []
    assert (
        ProctorAction.objects.filter(kind=ProctorAction.Kind.CARRY_FAILED).count() == 1
    )


def test_carrying_needs_a_closed_sitting_and_its_own_retake(closed):
    sitting, _candidates, blueprint = closed
    unrelated = SittingFactory(blueprint=blueprint)
    with pytest.raises(QuizError) as error:
        rosters.carry_failed(sitting=sitting, retake=unrelated, actor=None)
    assert error.value.code == "not_a_retake"
    still_open = SittingFactory(blueprint=blueprint)
    retake = SittingFactory(blueprint=blueprint, retake_of=still_open)
    with pytest.raises(QuizError) as error:
        rosters.carry_failed(sitting=still_open, retake=retake, actor=None)
    assert error.value.code == "not_closed"


def test_the_admin_confirms_and_carries(client, closed):
    sitting, _candidates, blueprint = closed
    retake = SittingFactory(blueprint=blueprint, retake_of=sitting, name="补考")
    client.force_login(staff_user(roles.PROCTOR))
    url = reverse("wagtailsnippets_quizzes_sitting:carry", args=[sitting.pk])
    page = client.get(url).content.decode()
    assert "李" in page and "赵" in page and "王" not in page.split("<table")[-1]
    response = client.post(url, {"retake": retake.pk})
    assert response.status_code == 302
    assert retake.candidates.count() == 2


def test_a_person_record_lists_every_sitting_with_its_result(closed):
    sitting, candidates, blueprint = closed
    retake = SittingFactory(blueprint=blueprint, retake_of=sitting, name="补考")
    rosters.carry_failed(sitting=sitting, retake=retake, actor=None)
    li = candidates["李"].person
    new = retake.candidates.get(person=li)
    questions = [item.question for item in blueprint.papers.first().items.all()]
    sit(new, questions)

    records = person_records([li])[li.pk]
    assert [(r.candidate.sitting.name, r.outcome) for r in records] == [
        ("补考", "passed"),
        ("第一批", "failed"),
    ]


def test_records_download_per_unit_and_per_person(client, closed):
    _sitting, candidates, _blueprint = closed
    client.force_login(staff_user(roles.ORGANISER))
    url = reverse("wagtailsnippets_quizzes_sitting:records")
    unit = candidates["王"].person.unit
    response = client.get(url, {"unit": unit.pk})
    rows = list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=3, values_only=True
        )
    )
    assert {(row[0], row[10]) for row in rows} == {
        ("王", "合格"),
        ("李", "不合格"),
        ("赵", "缺考"),
    }
    assert all("*" in row[3] for row in rows)  # masked identity numbers only
    response = client.get(url, {"person": candidates["李"].person.pk})
    rows = list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=3, values_only=True
        )
    )
    assert [row[0] for row in rows] == ["李"]
    assert client.get(url, {"person": PersonFactory().pk}).status_code == 404
