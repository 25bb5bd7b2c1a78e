"""Lectures: their rules and the public calendar."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.models import LectureSeriesPage
from tests.cms import factories

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2029, 12, 1, 9, 0, tzinfo=datetime.UTC)


def test_a_lecture_must_end_after_it_starts():
    lecture = factories.lecture()
    lecture.ends_at = lecture.starts_at - datetime.timedelta(minutes=5)

    with pytest.raises(ValidationError) as error:
        lecture.full_clean()

    assert "ends_at" in error.value.message_dict


def test_a_recording_that_is_not_audio_or_video_is_refused():
    lecture = factories.lecture()
    lecture.recording = SimpleUploadedFile("slides.pdf", b"%PDF-1.4")

    with pytest.raises(ValidationError) as error:
        lecture.full_clean()

    assert "recording" in error.value.message_dict


def test_an_audio_recording_is_accepted_with_its_type():
    lecture = factories.lecture()
    lecture.recording = factories.wav_upload()
    lecture.full_clean()
    lecture.save_revision().publish()
    lecture.refresh_from_db()

    assert lecture.recording_mime == "audio/wav" and lecture.recording_size > 0


@time_machine.travel(NOW)
def test_the_calendar_lists_upcoming_lectures_by_month_and_filters_by_series(client):
    factories.lecture(title="逢九讲座一")
    factories.lecture(
        title="会前学法一",
        series_page=factories.series(LectureSeriesPage.Kind.BEFORE_MEETINGS),
    )
    with time_machine.travel(NOW - datetime.timedelta(days=400)):
        factories.lecture(
            title="去年的讲座",
            starts_at=datetime.datetime(2028, 11, 9, 2, 30, tzinfo=datetime.UTC),
        )

    everything = client.get("/lectures/").content.decode()
    nine_days = client.get("/lectures/", {"series": "fengjiu"}).content.decode()
    lecture_page = client.get("/lectures/fengjiu/").content.decode()

    assert "逢九讲座一" in everything and "会前学法一" in everything
    assert "2030年1月" in everything  # the month heading
    assert "去年的讲座" in everything  # under past lectures
    assert "会前学法一" not in nine_days
    assert "逢九讲座一" in lecture_page


@time_machine.travel(NOW)
def test_the_lecture_page_shows_speaker_time_place_and_articles(client):
    lecture = factories.lecture(speaker="巴特尔", venue="小营盘镇综合文化站")

    html = client.get(lecture.url).content.decode()

    assert "巴特尔" in html and "小营盘镇综合文化站" in html
    assert "10:30" in html
    assert "民法典第一千一百六十五条" in html
    assert "/feeds/lectures.ics" in html
