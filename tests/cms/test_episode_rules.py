"""The rules an episode must follow: one number per column, real articles, checked
uploads and transcripts. Each bad input is refused with a Chinese message naming
what to fix, and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from cms.errors import CmsError
from cms.models import EpisodeCitation, EpisodePage
from cms.services.episodes import check_episode_number
from cms.services.media import inspect_upload
from cms.services.transcripts import parse_clock, parse_webvtt
from tests.cms import factories

pytestmark = pytest.mark.django_db


def test_a_duplicate_episode_number_is_refused_naming_the_episode():
    first = factories.episode(number=12, title="楼上掉下的花盆")

    with translation.override("zh-hans"), pytest.raises(CmsError) as error:
        check_episode_number(column=factories.column(), number=12)

    assert error.value.code == "duplicate_episode_number"
    assert "楼上掉下的花盆" in str(error.value.message)
    assert "13" in str(error.value.message)  # the next free number
    # The episode itself may keep its number when edited.
    check_episode_number(column=factories.column(), number=12, exclude_page_id=first.pk)


def test_a_draft_holds_its_number_too():
    factories.episode(number=7, publish=False)

    with pytest.raises(CmsError):
        check_episode_number(column=factories.column(), number=7)


def test_the_database_refuses_a_duplicate_number_in_the_column():
    from django.db import IntegrityError, transaction

    factories.episode(number=5)
    other = factories.episode(number=6)

    # Past every form and model check, the database itself holds the rule.
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodePage.objects.filter(pk=other.pk).update(number=5)
    assert EpisodePage.objects.filter(number=5).count() == 1


def test_saving_a_duplicate_number_is_refused_before_the_database():
    factories.episode(number=5)

    with pytest.raises(ValidationError) as error:
        factories.episode(number=5, slug="another-slug")

    assert "下一个未用的期号" in str(error.value)


def test_a_citation_of_an_article_the_law_lacks_is_refused():
    law = factories.civil_code()
    citation = EpisodeCitation(law=law, article_number="第九十九条")

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        citation.clean()

    message = error.value.message_dict["article_number"][0]
    assert "民法典" in message and "99" in message


def test_a_citation_accepts_digits_or_the_chinese_label():
    law = factories.civil_code()
    for typed in ("1165", "第一千一百六十五条", "一千一百六十五"):
        citation = EpisodeCitation(law=law, article_number=typed)
        citation.clean()
        assert citation.article.number == 1165
        assert citation.article_number == "第一千一百六十五条"


def test_a_chapter_start_must_be_a_clock_time():
    citation = EpisodeCitation(
        law=factories.civil_code(), article_number="1165", chapter_start="abc"
    )
    with pytest.raises(ValidationError) as error:
        citation.clean()
    assert "chapter_start" in error.value.message_dict
    assert parse_clock("12:30") == 750
    assert parse_clock("1:02:03") == 3723


def test_a_wav_upload_is_read_for_type_size_and_duration():
    info = inspect_upload(factories.wav_upload(seconds=3), kinds=("audio",))

    assert info.mime_type == "audio/wav"
    assert info.duration_seconds == 3
    assert info.size > 0


@pytest.mark.parametrize(
    ("name", "content", "kinds"),
    [
        ("notes.txt", b"hello", ("audio",)),
        ("episode.mp3", b"this is not audio at all" * 100, ("audio",)),
        ("episode.wav", b"RIFF\x00\x00\x00\x00WAVEjunk", ("audio",)),
        ("episode.wav", b"", ("video",)),
        ("episode.exe", b"MZ\x90\x00", ("audio", "video")),
    ],
)
def test_a_wrong_file_type_is_refused(name, content, kinds):
    upload = SimpleUploadedFile(name, content)

    with translation.override("zh-hans"), pytest.raises(CmsError) as error:
        inspect_upload(upload, kinds=kinds)

    assert error.value.code == "bad_file_type"
    assert name in str(error.value.message)


@override_settings(PUFA_MAX_UPLOAD_BYTES={"audio": 1000})
def test_an_oversized_upload_is_refused():
    with translation.override("zh-hans"), pytest.raises(CmsError) as error:
        inspect_upload(factories.wav_upload(seconds=2), kinds=("audio",))

    assert error.value.code == "file_too_large"
    assert "1000" in str(error.value.message) or "KB" in str(error.value.message)


def test_the_page_refuses_a_bad_upload_on_the_audio_field():
    page = factories.episode()
    page.audio = SimpleUploadedFile("episode.mp3", b"not audio")

    with pytest.raises(ValidationError) as error:
        page.full_clean()

    assert "audio" in error.value.message_dict


def test_a_good_upload_fills_in_type_size_and_duration():
    page = factories.with_audio(factories.episode(duration_seconds=None), seconds=4)

    assert page.audio_mime == "audio/wav"
    assert page.audio_size > 0
    assert page.duration_seconds == 4
    assert page.media()[2] == "audio/wav"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("00:00:01.000 --> 00:00:02.000\n你好", "transcript_header"),
        ("WEBVTT\n\n1 --> 2\n你好", "transcript_timing"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n倒过来了", "transcript_timing"),
        ("WEBVTT\n", "transcript_empty"),
    ],
)
def test_a_transcript_that_is_not_webvtt_is_refused(text, code):
    with pytest.raises(CmsError) as error:
        parse_webvtt(text)
    assert error.value.code == code


def test_webvtt_cues_with_identifiers_notes_and_tags():
    cues = parse_webvtt(
        "WEBVTT\n\nNOTE 说明\n第二行\n\nintro\n00:01.500 --> 00:04.000 align:start\n"
        "<v 主持人>大家好</v>\n欢迎收听\n\n"
        "00:00:04.000 --> 00:00:09.000\n今天讲高空抛物\n"
    )

    assert [(c.start, c.end) for c in cues] == [(1.5, 4.0), (4.0, 9.0)]
    assert cues[0].text == "大家好 欢迎收听"
    assert cues[1].start_label == "00:04"


def test_a_number_taken_in_another_episodes_pending_draft_is_refused():
    other = factories.episode(number=8)
    other.number = 9  # the editor renumbers it in a draft awaiting review
    other.save_revision()

    with pytest.raises(CmsError):
        check_episode_number(column=factories.column(), number=9)
    # Its published number is still taken too.
    with pytest.raises(CmsError):
        check_episode_number(column=factories.column(), number=8)
