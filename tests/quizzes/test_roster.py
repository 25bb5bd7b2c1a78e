"""A sitting's roster: importing an xlsx (every bad row named, all or nothing unless
the user chooses the valid rows), matching returning people by hash, picking people
on record, and the proctor log of who added whom."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from org.models import Person
from quizzes.models import Candidate, ProctorAction, Sitting, SittingBlueprint
from quizzes.services import rosters
from quizzes.services.errors import QuizError
from tests.factories import PersonFactory, UnitFactory, UserFactory, valid_id_number
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "单位", "职务", "身份证号", "手机号", "职级"]


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(sitting, rows, **kwargs):
    return rosters.import_roster(
        sitting=sitting,
        file_name="名单.xlsx",
        data=xlsx(rows),
        actor=kwargs.pop("actor", None),
        **kwargs,
    )


@pytest.fixture
def unit():
    return UnitFactory(name="州司法局", short_name="司法局")


def test_a_clean_roster_adds_everyone_and_logs_it(unit):
    sitting = SittingFactory()
    user = UserFactory()
    report = run(
        sitting,
        [
            ["张三", "州司法局", "科长", valid_id_number(1), "13800138001", ""],
            ["李四", "司法局", "副科长", "", "13800138002", None],
        ],
        actor=user,
    )
    assert report.imported and report.added == 2 and not report.errors
    people = {c.person.full_name: c.person for c in sitting.candidates.all()}
    assert set(people) == {"张三", "李四"}
    assert people["张三"].unit == unit and people["张三"].position == "科长"
    assert people["张三"].id_number_masked.startswith("652")
    assert people["李四"].phone_masked == "138****8002"
    # Only hashes and masks are stored.
    assert not Person.objects.filter(id_number_masked=valid_id_number(1)).exists()
    action = ProctorAction.objects.get(sitting=sitting)
    assert action.kind == ProctorAction.Kind.ADD_CANDIDATES
    assert action.actor == user and action.detail["count"] == 2


def test_every_bad_row_is_named_with_its_column_and_nothing_is_imported(unit):
    sitting = SittingFactory()
    report = run(
        sitting,
        [
            ["张三", "州司法局", "科长", valid_id_number(1), "", ""],
            ["", "州司法局", "", valid_id_number(2), "", ""],
            ["王五", "不存在的局", "", "652701198001010000", "12345", ""],
            ["赵六", "", "", "", "", ""],
        ],
    )
    assert not report.imported and report.added == 0
    found = {(e["row"], e["field"]) for e in report.errors}
    assert found == {
        (3, "姓名"),
        (4, "单位"),
        (4, "身份证号"),
        (4, "手机号"),
        (5, "身份证号"),
    }
    assert Candidate.objects.count() == 0
    assert Person.objects.count() == 0
    assert not ProctorAction.objects.exists()


def test_the_user_may_choose_to_import_the_valid_rows(unit):
    sitting = SittingFactory()
    report = run(
        sitting,
        [
            ["张三", "州司法局", "科长", valid_id_number(1), "", ""],
            ["李四", "", "", "bad", "", ""],
        ],
        valid_rows_only=True,
    )
    assert report.imported and report.added == 1
    assert [e["row"] for e in report.errors] == [3]
    assert sitting.candidates.get().person.full_name == "张三"


def test_a_returning_person_is_matched_by_hash_and_keeps_their_record():
    known = PersonFactory(full_name="张三", id_number=valid_id_number(7))
    sitting = SittingFactory()
    report = run(sitting, [["张叁", "", "局长", valid_id_number(7), "", ""]])
    assert report.added == 1
    candidate = sitting.candidates.get()
    assert candidate.person == known
    known.refresh_from_db()
    assert known.full_name == "张三"  # the record keeps its name


def test_people_on_the_roster_or_twice_in_the_file_are_added_once():
    sitting = SittingFactory()
    on_roster = CandidateFactory(sitting=sitting)
    phone = "13800138005"
    report = run(
        sitting,
        [
            ["甲", "", "", valid_id_number(11), phone, ""],
            ["甲", "", "", "", phone, ""],
            ["乙", "", "", valid_id_number(12), "", ""],
        ],
    )
    assert report.added == 2 and report.repeated == 1 and report.already == 0
    again = run(sitting, [["甲", "", "", valid_id_number(11), "", ""]])
    assert again.added == 0 and again.already == 1
    assert sitting.candidates.count() == 3
    assert on_roster in sitting.candidates.all()


def test_two_numbers_of_two_different_people_are_refused():
    PersonFactory(id_number=valid_id_number(21), phone="13900000001")
    PersonFactory(id_number=valid_id_number(22), phone="13900000002")
    report = run(
        SittingFactory(), [["某人", "", "", valid_id_number(21), "13900000002", ""]]
    )
    assert [(e["row"], e["field"]) for e in report.errors] == [(2, "身份证号")]


def test_a_post_level_must_be_one_the_sitting_has():
    sitting = SittingFactory()
    SittingBlueprint.objects.create(
        sitting=sitting, post_level="县处级", blueprint=sitting.blueprint
    )
    report = run(
        sitting,
        [
            ["甲", "", "", valid_id_number(31), "", "县处级"],
            ["乙", "", "", valid_id_number(32), "", "科级"],
        ],
    )
    assert [(e["row"], e["field"]) for e in report.errors] == [(3, "职级")]
    assert "县处级" in report.errors[0]["message"]
    report = run(
        sitting,
        [["甲", "", "", valid_id_number(31), "", "县处级"]],
    )
    assert sitting.candidates.get().post_level == "县处级"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not a workbook", "not_xlsx"),
        (b"", "empty_file"),
        (xlsx([["甲", "x"]], header=["名字", "单位"]), "bad_headers"),
        (xlsx([], header=["姓名", "单位"]), "bad_headers"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, code):
    with pytest.raises(QuizError) as error:
        rosters.import_roster(
            sitting=SittingFactory(), file_name="x.xlsx", data=data, actor=None
        )
    assert error.value.code == code


def test_a_closed_sitting_takes_no_more_candidates():
    sitting = SittingFactory(status=Sitting.Status.CLOSED)
    with pytest.raises(QuizError) as error:
        run(sitting, [["甲", "", "", valid_id_number(1), "", ""]])
    assert error.value.code == "sitting_closed"
    with pytest.raises(QuizError):
        rosters.add_candidates(sitting=sitting, people=[PersonFactory()], actor=None)


def test_the_template_has_the_headers_and_reads_back_as_a_roster(unit):
    content = rosters.roster_template_xlsx()
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == HEADER
    report = rosters.import_roster(
        sitting=SittingFactory(), file_name="t.xlsx", data=content, actor=None
    )
    assert report.errors == [] and report.added == 1


def test_picking_people_adds_only_those_not_on_the_roster_and_logs_it():
    sitting = SittingFactory()
    already = CandidateFactory(sitting=sitting).person
    new = PersonFactory()
    user = UserFactory()
    added = rosters.add_candidates(
        sitting=sitting, people=[already, new, new], actor=user
    )
    assert [c.person for c in added] == [new]
    action = ProctorAction.objects.get(kind=ProctorAction.Kind.ADD_CANDIDATES)
    assert action.detail == {"count": 1, "source": "people"}
    assert rosters.add_candidates(sitting=sitting, people=[new], actor=user) == []
    assert ProctorAction.objects.count() == 1  # nothing added, nothing logged
