"""Imports of events and attendance: per-row errors in Chinese, all or nothing, a file
imported once, GBK and UTF-8 CSV, xlsx."""

import io

import pytest
from openpyxl import Workbook

from events.models import Attendance, Event, ImportBatch
from events.services import EventsError
from events.services.imports import apply_batch, create_batch, validate_batch
from org.models import Person
from org.scoping import Scope
from tests.events.factories import EventFactory
from tests.factories import CountyFactory, PersonFactory, TownshipFactory

pytestmark = pytest.mark.django_db

EVENT_HEADER = ["类型", "标题", "开始时间", "结束时间", "县市", "乡镇", "人数", "平台"]


@pytest.fixture
def places():
    bole = CountyFactory(name="博乐市")
    jinghe = CountyFactory(name="精河县")
    return {
        "bole": bole,
        "jinghe": jinghe,
        "qingdeli": TownshipFactory(name="青得里街道", parent=bole),
        "tuoli": TownshipFactory(name="托里镇", parent=jinghe),
    }


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    text = "\n".join(",".join(str(cell) for cell in row) for row in rows) + "\n"
    return text.encode(encoding)


def talk(
    title="民法典宣讲",
    start="2023-05-09 10:00",
    county="博乐市",
    town="青得里街道",
    count=80,
):
    return ["走基层宣讲", title, start, "", county, town, count, "实体"]


def check(kind, name, content, year=2023, scope=None):
    batch = create_batch(
        kind=kind, filename=name, content=content, year=year, scope=scope
    )
    return validate_batch(batch)


def test_a_good_events_file_is_previewed_then_imported_with_its_headcounts(places):
    content = xlsx([EVENT_HEADER, talk(), talk("宪法宣讲", count=40, town="")])

    batch = check("events", "events.xlsx", content)
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert Event.objects.count() == 0  # a preview adds nothing

    batch = apply_batch(batch)

    assert batch.status == ImportBatch.Status.DONE
    assert Event.objects.count() == 2
    assert sum(Attendance.objects.current().values_list("count", flat=True)) == 120
    assert batch.content == b""  # the file is dropped once imported


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (talk(town="托里镇"), "乡镇", "托里镇不在博乐市"),
        (talk(start="2022-12-31 10:00"), "开始时间", "2023"),
        (talk(count=-5), "人数", "人数"),
        (talk(county="乌鲁木齐市"), "县市", "乌鲁木齐市"),
        (talk(start="五月九日"), "开始时间", "2023-05-09 10:00"),
        (
            ["讲故事", "x", "2023-05-09 10:00", "", "博乐市", "", 1, "实体"],
            "类型",
            "讲故事",
        ),
        (
            ["走基层宣讲", "x", "2023-05-09 10:00", "", "博乐市", "", 1, "电视"],
            "平台",
            "电视",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file_with_row_column_and_reason(
    places, row, column, words
):
    content = xlsx([EVENT_HEADER, talk("好的一行"), row])

    batch = check("events", "bad.xlsx", content)

    assert batch.status == ImportBatch.Status.REFUSED
    assert len(batch.errors) == 1
    error = batch.errors[0]
    assert (error["row"], error["field"]) == (3, column)
    assert words in error["message"]
    assert "没有导入" in batch.message or "未导入" in batch.message
    assert apply_batch(batch).status == ImportBatch.Status.REFUSED
    assert Event.objects.count() == 0  # not even the good row


def test_the_same_file_twice_is_detected_and_adds_nothing(places):
    content = xlsx([EVENT_HEADER, talk()])
    apply_batch(check("events", "a.xlsx", content))

    with pytest.raises(EventsError) as error:
        create_batch(kind="events", filename="a-copy.xlsx", content=content, year=2023)

    assert error.value.code == "duplicate_file"
    assert "已" in str(error.value.message) and "导入" in str(error.value.message)
    assert Event.objects.count() == 1


def test_a_gbk_csv_reads_like_a_utf8_one(places):
    rows = [EVENT_HEADER, talk("《博尔塔拉蒙古自治州文明行为促进条例》宣讲")]

    gbk = apply_batch(check("events", "gbk.csv", csv_bytes(rows, "gbk")))
    utf8 = apply_batch(
        check(
            "events", "utf8.csv", csv_bytes([EVENT_HEADER, talk("第二场")], "utf-8-sig")
        )
    )

    assert gbk.status == utf8.status == ImportBatch.Status.DONE
    assert Event.objects.filter(title__contains="文明行为促进条例").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(places):
    with pytest.raises(EventsError) as error:
        create_batch(kind="events", filename="x.xlsx", content=b"not a zip", year=2023)

    assert error.value.code == "file_not_xlsx"


def test_a_county_organiser_imports_only_their_county(places):
    content = xlsx([EVENT_HEADER, talk(county="精河县", town="托里镇")])

    batch = check("events", "e.xlsx", content, scope=Scope(places["bole"].pk))

    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.errors[0]["field"] == "县市"


ATTENDANCE_HEADER = ["活动编号", "姓名", "手机号", "身份证号"]


def test_attendance_matches_known_people_and_skips_repeats(places):
    event = EventFactory(county=places["bole"])
    known = PersonFactory(full_name="张三", phone="13900000001")
    Attendance.objects.create(
        event=event, person=PersonFactory(phone="13900000009"), kind="roster"
    )
    content = xlsx(
        [
            ATTENDANCE_HEADER,
            [event.pk, "张三", "13900000001", ""],  # known person
            [event.pk, "李四", "13900000002", ""],  # new person
            [event.pk, "李四", "139 0000 0002", ""],  # the same again
            [event.pk, "王五", "13900000009", ""],  # already counted
        ]
    )

    batch = apply_batch(check("attendance", "a.xlsx", content))

    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert batch.created_rows == 2
    assert event.attendances.filter(person=known).count() == 1
    assert Person.objects.filter(full_name="李四").count() == 1
    assert event.attendances.count() == 3


def test_attendance_with_a_wrongly_formatted_phone_imports_nothing(places):
    event = EventFactory(county=places["bole"])
    content = xlsx(
        [
            ATTENDANCE_HEADER,
            [event.pk, "张三", "13900000001", ""],
            [event.pk, "李四", "1390000", ""],
            [999999, "王五", "13900000003", ""],
        ]
    )

    batch = check("attendance", "a.xlsx", content)

    assert batch.status == ImportBatch.Status.REFUSED
    assert [(e["row"], e["field"]) for e in batch.errors] == [
        (3, "手机号"),
        (4, "活动编号"),
    ]
    assert "11位" in batch.errors[0]["message"]
    assert not Attendance.objects.exists() and not Person.objects.exists()


def test_a_file_without_the_required_columns_says_which(places):
    batch = check(
        "attendance", "a.csv", csv_bytes([["姓名", "手机号"], ["张三", "13900000001"]])
    )

    assert batch.status == ImportBatch.Status.REFUSED
    assert "活动编号" in batch.message


def test_confirming_twice_imports_once(places):
    from events.services.imports import confirm_batch

    batch = check("events", "a.xlsx", xlsx([EVENT_HEADER, talk()]))
    confirm_batch(batch)
    apply_batch(batch)

    with pytest.raises(EventsError):
        confirm_batch(batch)
    apply_batch(batch)

    assert Event.objects.count() == 1


def test_a_row_with_several_mistakes_lists_them_all(places):
    row = talk(start="2022-05-09 10:00", town="托里镇", count=-4)

    batch = check("events", "bad.xlsx", xlsx([EVENT_HEADER, row]))

    assert {error["field"] for error in batch.errors} == {"开始时间", "乡镇", "人数"}
