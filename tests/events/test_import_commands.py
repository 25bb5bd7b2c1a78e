"""import_events / import_attendance on the command line: the admin's rules and
messages, and a non-zero exit on refusal."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Attendance, Event
from tests.events.factories import EventFactory
from tests.factories import CountyFactory, TownshipFactory

pytestmark = pytest.mark.django_db

HEADER = "类型,标题,开始时间,结束时间,县市,乡镇,人数,平台\n"


@pytest.fixture
def bole():
    county = CountyFactory(name="博乐市")
    TownshipFactory(name="青得里街道", parent=county)
    TownshipFactory(name="托里镇", parent=CountyFactory(name="精河县"))
    return county


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_gbk_csv_imports_and_a_second_run_adds_nothing(tmp_path, bole):
    path = write(
        tmp_path,
        "events.csv",
        HEADER + "走基层宣讲,民法典宣讲,2023-05-09 10:00,,博乐市,青得里街道,80,实体\n",
        "gbk",
    )
    out = io.StringIO()
    call_command(
        "import_events", str(path), "--year", "2023", stdout=out, stderr=io.StringIO()
    )

    with pytest.raises(CommandError) as refusal:
        call_command("import_events", str(path), "--year", "2023", stderr=io.StringIO())

    assert "已导入" in out.getvalue() or "导入完成" in out.getvalue()
    assert "未重复导入" in str(refusal.value)
    assert Event.objects.count() == 1
    assert sum(Attendance.objects.values_list("count", flat=True)) == 80


def test_a_refused_file_lists_each_row_and_exits_non_zero(tmp_path, bole):
    path = write(
        tmp_path,
        "events.csv",
        HEADER
        + "走基层宣讲,好的,2023-05-09 10:00,,博乐市,青得里街道,80,实体\n"
        + "走基层宣讲,乡镇不对,2023-05-09 10:00,,博乐市,托里镇,80,实体\n"
        + "走基层宣讲,人数为负,2023-05-09 10:00,,博乐市,,-3,实体\n",
    )
    out = io.StringIO()

    with pytest.raises(CommandError) as refusal:
        call_command(
            "import_events",
            str(path),
            "--year",
            "2023",
            stdout=out,
            stderr=io.StringIO(),
        )

    assert "row 3, 乡镇: 托里镇不在博乐市" in out.getvalue()
    assert "row 4, 人数" in out.getvalue()
    assert "没有导入任何数据" in str(refusal.value)
    assert not Event.objects.exists()


def test_import_attendance_from_the_command_line(tmp_path, bole):
    event = EventFactory(county=bole)
    path = write(
        tmp_path,
        "list.csv",
        f"活动编号,姓名,手机号\n{event.pk},张三,13900000001\n{event.pk},李四,13900000002\n",
    )

    call_command(
        "import_attendance", str(path), stdout=io.StringIO(), stderr=io.StringIO()
    )

    assert event.attendances.count() == 2


def test_a_dry_run_imports_nothing_and_leaves_the_file_importable(tmp_path, bole):
    path = write(
        tmp_path,
        "events.csv",
        HEADER + "走基层宣讲,民法典宣讲,2023-05-09 10:00,,博乐市,,80,实体\n",
    )
    call_command(
        "import_events",
        str(path),
        "--year",
        "2023",
        "--dry-run",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert not Event.objects.exists()

    call_command(
        "import_events",
        str(path),
        "--year",
        "2023",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Event.objects.count() == 1


def test_reach_report_writes_a_breakdown_workbook(tmp_path, bole):
    from openpyxl import load_workbook

    from events.services import record_headcount

    record_headcount(event=EventFactory(county=bole), count=12)
    path = tmp_path / "reach.xlsx"

    call_command(
        "reach_report",
        "--year",
        "2023",
        "--format",
        "xlsx",
        "--dimension",
        "county",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert ("博乐市", 1, 12, 0, 12, 100.0) in rows
