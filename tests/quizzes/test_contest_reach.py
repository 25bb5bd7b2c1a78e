"""A finished contest in the reach ledger, and a contest's paper of chosen
questions."""

import pytest

from events.models import Attendance, Event, Platform
from quizzes.contest_reach import record_contest_reach
from quizzes.models import Contest, QuestionStatus
from quizzes.services import contests
from quizzes.services.errors import QuizError
from quizzes.services.papers import answer_key, candidate_paper
from tests.factories import CountyFactory
from tests.quizzes.contest_factories import contest_questions, join, make_contest
from tests.quizzes.exam_factories import small_blueprint
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db


def played(contest, *, with_phone=1, anonymous=2, kicked=1):
    players = [
        join(contest, f"有号{n}", phone=f"1391234{n:04d}").player
        for n in range(with_phone)
    ]
    players += [join(contest, f"无号{n}").player for n in range(anonymous)]
    for n in range(kicked):
        rude = join(contest, f"捣乱{n}").player
        contests.kick_player(contest_id=contest.pk, player_id=rude.pk, actor=None)
    contests.start_contest(contest_id=contest.pk, actor=None)
    return players


def test_ending_counts_the_players_in_the_ledger_once(
    django_capture_on_commit_callbacks,
):
    county = CountyFactory()
    contest = make_contest(county=county, venue="青得里镇文化站")
    played(contest, with_phone=2, anonymous=3, kicked=1)

    with django_capture_on_commit_callbacks(execute=True):
        contests.end_contest(contest_id=contest.pk, actor=None)

    event = Event.objects.get(source_key=f"quizzes.contest:{contest.pk}")
    assert event.event_type.key == "contest"
    assert event.platform == Platform.ONSITE
    assert (event.county, event.venue, event.title) == (
        county,
        "青得里镇文化站",
        contest.title,
    )
    rows = Attendance.objects.current().filter(event=event)
    assert rows.filter(person__isnull=False).count() == 2
    assert rows.get(person__isnull=True).count == 3  # the anonymous headcount
    assert Contest.objects.get(pk=contest.pk).reach_recorded_at is not None

    before = Attendance.objects.count()
    record_contest_reach(contest_id=contest.pk)
    record_contest_reach(contest_id=contest.pk)
    assert Attendance.objects.count() == before
    assert Event.objects.filter(source_key=event.source_key).count() == 1


def test_a_remote_contest_is_online_reach():
    contest = make_contest(setting=Contest.Setting.REMOTE)
    played(contest, with_phone=0, anonymous=1, kicked=0)
    contests.end_contest(contest_id=contest.pk, actor=None)
    event = record_contest_reach(contest_id=contest.pk)
    assert event.platform == Platform.ONLINE


def test_a_contest_not_ended_or_without_players_records_nothing():
    contest = make_contest()
    assert record_contest_reach(contest_id=contest.pk) is None
    contests.end_contest(contest_id=contest.pk, actor=None)
    assert record_contest_reach(contest_id=contest.pk) is None
    assert not Event.objects.filter(source_key__startswith="quizzes.contest").exists()


def test_a_selection_is_played_in_its_order_without_its_keys_in_view():
    questions = contest_questions(4)
    contest = make_contest(questions=list(reversed(questions)))

    paper = contest.paper
    assert paper.blueprint is None
    assert [item.question_id for item in paper.items.order_by("position")] == [
        q.pk for q in reversed(questions)
    ]
    view = candidate_paper(paper)
    assert all("keys" not in q and "correct" not in q for q in view["questions"])
    for position, key in answer_key(paper).items():
        item = paper.items.get(position=position)
        assert [item.option_order[i] for i in key] == [1]


def test_a_blueprint_contest_draws_its_paper():
    blueprint = small_blueprint(singles=2, multiples=0, true_false=1)
    contest = contests.create_contest(title="以案释法竞赛", blueprint=blueprint)
    assert contest.paper.blueprint == blueprint
    assert contests.question_count(contest) == 3


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ({}, "no_questions"),
        ({"questions": "draft"}, "not_drawable"),
        ({"questions": "twice"}, "repeated_question"),
        ({"questions": "both"}, "two_sources"),
    ],
)
def test_a_contest_needs_one_source_of_drawable_questions(source, code):
    question = make_question()
    kwargs = {}
    if source.get("questions") == "draft":
        kwargs["questions"] = [make_question(status=QuestionStatus.DRAFT)]
    elif source.get("questions") == "twice":
        kwargs["questions"] = [question, question]
    elif source.get("questions") == "both":
        kwargs = {"questions": [question], "blueprint": small_blueprint()}
    with pytest.raises(QuizError) as error:
        contests.create_contest(title="竞赛", **kwargs)
    assert error.value.code == code
    assert not Contest.objects.exists()


def test_the_questions_of_a_started_contest_stay_as_they_are():
    contest = make_contest()
    join(contest)
    contests.start_contest(contest_id=contest.pk, actor=None)
    with pytest.raises(QuizError) as error:
        contests.prepare_contest(contest=contest)
    assert error.value.code == "started"
