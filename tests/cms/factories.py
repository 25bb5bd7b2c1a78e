"""Publishing test data: laws from a small text, pages put in the tree and published
as an editor would. Defaults only; each test says what matters to it."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.rich_text import RichText

from cms.models import (
    ColumnIndexPage,
    EpisodeCitation,
    EpisodePage,
    LectureCitation,
    LecturePage,
    LectureSeriesPage,
)
from cms.services.laws import import_law
from cms.services.media import tone_wav_bytes
from cms.services.transcripts import build_webvtt
from tests.factories import CountyFactory, TownshipFactory, UnitFactory

LAW_TEXT = """# title: 中华人民共和国民法典
# short_name: 民法典
# kind: law
# effective_date: 2021-01-01

第七编 侵权责任
第一章 一般规定
第一千一百六十五条 行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任。
第一千一百七十九条 侵害他人造成人身损害的，应当赔偿医疗费、护理费、交通费等合理费用。
第十章 建筑物和物件损害责任
第一千二百五十四条 禁止从建筑物中抛掷物品。
从建筑物中抛掷物品造成他人损害的，由侵权人依法承担侵权责任。
"""
_numbers = itertools.count(1)


def civil_code():
    """民法典 with articles 1165, 1179 and 1254."""
    return import_law(text=LAW_TEXT, slug="civil-code").law


def article(number):
    return civil_code().articles.get(number=number)


def column():
    return ColumnIndexPage.objects.get()


def wav_upload(name="episode.wav", seconds=2):
    return SimpleUploadedFile(name, tone_wav_bytes(seconds=seconds), "audio/wav")


def episode(*, publish=True, citations=None, parent=None, **fields):
    """An episode under the column, citing 民法典 1165 and 1254 unless told."""
    number = fields.pop("number", None) or next(_numbers) + 1000
    articles = citations if citations is not None else [article(1165), article(1254)]
    values = {
        "title": f"第{number}期 测试案例",
        "slug": f"episode-{number}",
        "number": number,
        "air_date": datetime.date(2023, 3, 1),
        "unit": UnitFactory(),
        "summary": "一段摘要。",
        "case": "<p>某小区居民刘某在楼下散步时，被从高空抛物致人损害的花盆砸伤。</p>",
        "analysis": [("paragraph", RichText("<p>民法典禁止从建筑物中抛掷物品。</p>"))],
        "transcript": build_webvtt(
            [(0, 4, "今天我们讲一个案子。"), (4, 9, "楼上掉下来一个花盆。")]
        ),
        "duration_seconds": 9,
        **fields,
    }
    page = EpisodePage(live=publish, **values)
    page.citations = [
        EpisodeCitation(
            law=cited.law,
            article=cited,
            article_number=cited.number_label,
            chapter_start=f"00:{index * 4:02d}",
        )
        for index, cited in enumerate(articles)
    ]
    (parent or column()).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def with_audio(page, *, seconds=2):
    page.audio = wav_upload(seconds=seconds)
    page.full_clean()
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def series(kind=LectureSeriesPage.Kind.NINE_DAYS):
    return LectureSeriesPage.objects.get(kind=kind)


def lecture(*, publish=True, series_page=None, **fields):
    starts_at = fields.pop(
        "starts_at",
        datetime.datetime(
            2030, 1, 9, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
        ),
    )
    number = next(_numbers)
    values = {
        "title": f"法治讲堂第{number}讲",
        "slug": f"lecture-{number}",
        "speaker": "李建国",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=1, minutes=30),
        "venue": "州法治文化广场报告厅",
        "place": TownshipFactory(parent=CountyFactory(name="博乐市")),
        "topic": "民法典中的相邻关系",
        **fields,
    }
    page = LecturePage(live=publish, **values)
    page.citations = [
        LectureCitation(
            law=article(1165).law,
            article=article(1165),
            article_number=article(1165).number_label,
        )
    ]
    (series_page or series()).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
