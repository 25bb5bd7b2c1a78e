"""The demo the office looks at: enough real-looking content to judge the site."""

import pytest

from cms.models import (
    ColumnIndexPage,
    EpisodePage,
    LecturePage,
    LectureSeriesPage,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_episodes_units_and_a_year_of_lectures(demo_data):

    column = ColumnIndexPage.objects.get()
    episodes = EpisodePage.objects.live()
    assert episodes.count() >= 24
    assert column.partners.count() == 45
    for episode in episodes:
        assert len(episode.cited) >= 2
        assert episode.audio and episode.transcript_cues() and episode.chapters()
    nine_days = LecturePage.objects.child_of(
        LectureSeriesPage.objects.get(kind=LectureSeriesPage.Kind.NINE_DAYS)
    )
    assert nine_days.filter(starts_at__year=2023).count() == 30
    meetings = LecturePage.objects.child_of(
        LectureSeriesPage.objects.get(kind=LectureSeriesPage.Kind.BEFORE_MEETINGS)
    )
    assert meetings.filter(starts_at__year=2023).count() == 18
    thematic = LecturePage.objects.child_of(
        LectureSeriesPage.objects.get(kind=LectureSeriesPage.Kind.THEMATIC)
    )
    assert thematic.filter(starts_at__year=2023).count() == 12
