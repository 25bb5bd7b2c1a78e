"""Acceptance 3: the paragraph for the demo year states the report's 2023 figures,
each traceable to its query; and the usual rounding."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from events.models import Attendance, Event
from events.services.report import annual_paragraph, approximate, report_figures
from events.services.tally import ReachFilter, totals

SEED = (
    "举办“法治宣传走基层”大宣讲活动530余场次，邀请45个单位走进“997说法时间”法治栏目"
    "开展以案释法207期，组织“法治讲堂·逢九必讲”法治培训30期，受教育人数17.8万余人次。"
)


@pytest.fixture
def demo(demo_data, db):
    return demo_data


def test_the_demo_years_paragraph_states_the_reports_figures(demo):
    with translation.override("zh-hans"):
        paragraph = annual_paragraph(ReachFilter(year=2023))

    assert paragraph.startswith(SEED)
    assert "会前学法18次" in paragraph
    assert "专题讲座12次" in paragraph
    assert "“法治体检”22家" in paragraph
    assert "涉外普法宣传40场次，接待咨询300余人次" in paragraph


def test_each_figure_keeps_the_query_that_made_it(demo):
    figures = report_figures(ReachFilter(year=2023))

    assert (
        figures["talks"].value
        == Event.objects.filter(
            event_type__key="grassroots_talk", starts_at__year=2023
        ).count()
    )
    assert figures["person_times"].value == sum(
        Attendance.objects.current()
        .filter(event__starts_at__year=2023)
        .values_list("count", flat=True)
    )
    for figure in figures.values():
        assert figure.query.startswith("SELECT")


def test_the_demo_has_repeat_attendees_so_persons_are_fewer_than_person_times(demo):
    total = totals(ReachFilter(year=2023))

    assert 0 < total.persons < total.person_times - total.anonymous_person_times


def test_reach_report_prints_the_paragraph_and_breakdowns(demo):
    out = io.StringIO()
    call_command("reach_report", "--year", "2023", stdout=out)

    text = out.getvalue()
    assert SEED in text
    assert "走基层宣讲" in text and "博乐市" in text and "法律热线" in text
    assert "SELECT" in text


def test_reach_report_as_json_for_one_county(demo):
    out = io.StringIO()
    call_command(
        "reach_report",
        "--year",
        "2023",
        "--county",
        "博乐市",
        "--format",
        "json",
        stdout=out,
    )

    payload = json.loads(out.getvalue())
    counties = {line["label"] for line in payload["breakdowns"]["county"]}
    assert counties == {"博乐市"}
    assert payload["total"]["person_times"] > payload["total"]["persons"] > 0


def test_reach_report_refuses_an_unknown_county(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("reach_report", "--year", "2023", "--county", "乌鲁木齐市")


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (30, "30"),
        (207, "200余"),
        (530, "530"),
        (536, "530余"),
        (305, "300余"),
        (178_436, "17.8万余"),
        (178_000, "17.8万"),
        (170_500, "17万余"),
    ],
)
def test_rounding_as_reports_do(number, text):
    with translation.override("zh-hans"):
        assert approximate(number) == text
