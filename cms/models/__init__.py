from cms.models.episodes import (
    ColumnIndexPage,
    ColumnPartner,
    EpisodeCitation,
    EpisodePage,
    EpisodeTopic,
)
from cms.models.home import HomePage
from cms.models.laws import Law, LawArticle, MustKnowEntry, MustKnowList
from cms.models.lectures import (
    LectureCalendarEntry,
    LectureCitation,
    LectureIndexPage,
    LecturePage,
    LectureSeriesPage,
)
from cms.models.plays import EpisodePlay

__all__ = [
    "ColumnIndexPage",
    "ColumnPartner",
    "EpisodeCitation",
    "EpisodePage",
    "EpisodePlay",
    "EpisodeTopic",
    "HomePage",
    "Law",
    "LawArticle",
    "LectureCalendarEntry",
    "LectureCitation",
    "LectureIndexPage",
    "LecturePage",
    "LectureSeriesPage",
    "MustKnowEntry",
    "MustKnowList",
]
