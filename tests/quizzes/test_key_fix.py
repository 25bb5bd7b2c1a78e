"""Correcting a key after a sitting: the papers that drew the wrong key are pointed
at the corrected version and regraded, every changed score audited, one REGRADE
action per sitting; a preview changes nothing; a second fix finds nothing; an edit
that changed more than the key is not regraded; who may do it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from org import roles
from quizzes.models import (
    PaperQuestion,
    ProctorAction,
    QuestionKind,
    QuestionOption,
    ScoreChange,
)
from quizzes.services import exams
from quizzes.services.bank import sync_version
from quizzes.services.errors import QuizError
from quizzes.services.keyfix import fix_key, wrong_key_versions
from tests.factories import CountyFactory, staff_user
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory
from tests.quizzes.factories import BlueprintFactory, add_rule, make_question
from tests.quizzes.grading_support import sit
from tests.quizzes.test_sitting_admin import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """Two questions of 50 points, pass mark 50; the first has a wrong key (乙).

    Sitting one: A answered the first with the wrong key (乙) → 100, B with the
    right one (丙) → 50 (only the second right). Sitting two: C answered 乙 too.
    """
    wrong = make_question(options=["甲", "乙", "丙", "丁"], keys=[1])
    other = make_question()
    blueprint = BlueprintFactory(total_points=100, pass_mark=50)
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=2, points=50)
    one, two = SittingFactory(blueprint=blueprint), SittingFactory(blueprint=blueprint)
    a = sit(CandidateFactory(sitting=one), [wrong, other])
    b = CandidateFactory(sitting=one)
    attempt_b = exams.start_attempt(candidate=b)
    item = attempt_b.paper.items.get(question=wrong)
    exams.save_answer(
        attempt_id=attempt_b.pk,
        position=item.position,
        choice=[item.option_order.index(2)],  # 丙, as displayed to B
        client_seq=1,
    )
    attempt_b = exams.submit_attempt(attempt_id=attempt_b.pk, by="candidate")
    c = sit(CandidateFactory(sitting=two), [wrong])
    assert (a.score, attempt_b.score, c.score) == (100, 0, 50)
    # The reviewer corrects the key: 丙, not 乙.
    QuestionOption.objects.filter(question=wrong, text="乙").update(is_correct=False)
    QuestionOption.objects.filter(question=wrong, text="丙").update(is_correct=True)
    corrected = sync_version(wrong)
    assert corrected.number == 2
    wrong.refresh_from_db()
    return wrong, (one, two), (a, attempt_b, c)


def test_the_fix_regrades_audits_and_logs_each_sitting(setting):
    wrong, (one, two), (a, b, c) = setting
    user = staff_user(roles.PROCTOR)

    result = fix_key(question=wrong, actor=user)

    for attempt in (a, b, c):
        attempt.refresh_from_db()
    assert (a.score, b.score, c.score) == (50, 50, 0)
    assert (a.passed, b.passed, c.passed) == (True, True, False)
    assert result.regraded == 3 and len(result.changed) == 3
    assert result.passed_flips == 2  # B fail → pass, C pass → fail
    assert set(
        PaperQuestion.objects.filter(question=wrong).values_list(
            "version__number", flat=True
        )
    ) == {2}
    changes = ScoreChange.objects.filter(actor=user)
    assert {(ch.attempt_id, ch.old_score, ch.new_score) for ch in changes} == {
        (a.pk, Decimal(100), Decimal(50)),
        (b.pk, Decimal(0), Decimal(50)),
        (c.pk, Decimal(50), Decimal(0)),
    }
    assert all("key fix" in ch.reason for ch in changes)
    actions = ProctorAction.objects.filter(kind=ProctorAction.Kind.REGRADE)
    assert {
        (x.sitting_id, x.detail["regraded"], x.detail["changed"]) for x in actions
    } == {
        (one.pk, 2, 2),
        (two.pk, 1, 1),
    }
    with pytest.raises(QuizError) as error:
        fix_key(question=wrong, actor=user)
    assert error.value.code == "nothing_to_fix"


def test_the_preview_changes_nothing(setting):
    wrong, _sittings, (a, _b, _c) = setting
    preview = fix_key(question=wrong, actor=None, dry_run=True)
    assert len(preview.changed) == 3 and preview.passed_flips == 2
    a.refresh_from_db()
    assert a.score == 100
    assert not ScoreChange.objects.exists()
    assert not ProctorAction.objects.filter(kind=ProctorAction.Kind.REGRADE).exists()
    assert wrong_key_versions(wrong)


def test_an_edit_of_more_than_the_key_is_not_regraded(setting):
    wrong, _sittings, _attempts = setting
    QuestionOption.objects.filter(question=wrong, text="丁").update(text="戊")
    sync_version(wrong)
    wrong.refresh_from_db()
    assert wrong_key_versions(wrong) == []
    with pytest.raises(QuizError):
        fix_key(question=wrong, actor=None)


def test_the_admin_confirms_then_fixes(client, setting):
    wrong, _sittings, (a, _b, _c) = setting
    client.force_login(staff_user(roles.PROCTOR))
    url = reverse("wagtailsnippets_quizzes_sitting:key_fix", args=[wrong.pk])
    page = client.get(url).content.decode()
    assert "更正后的答案" in page
    a.refresh_from_db()
    assert a.score == 100  # looking changes nothing
    listing = client.get(reverse("wagtailsnippets_quizzes_question:list"))
    assert url in listing.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.score == 50


def test_only_whole_prefecture_proctors_may_fix(client, setting):
    wrong, _sittings, (a, _b, _c) = setting
    url = reverse("wagtailsnippets_quizzes_sitting:key_fix", args=[wrong.pk])
    client.force_login(staff_user(roles.PROCTOR, county=CountyFactory()))
    assert refused(client.post(url))
    client.force_login(staff_user(roles.EDITOR))
    assert refused(client.post(url))
    a.refresh_from_db()
    assert a.score == 100
