from django.urls import path

from cms import feeds, views

app_name = "cms"

urlpatterns = [
    path("laws/", views.law_index, name="law_index"),
    path("laws/<slug:slug>/", views.law_detail, name="law_detail"),
    path("search/", views.search, name="search"),
    path("feeds/episodes.rss", feeds.PodcastFeed(), name="podcast_feed"),
    path("feeds/lectures.ics", feeds.lecture_calendar_feed, name="lecture_feed"),
    path(
        "episodes/<int:pk>/transcript.vtt",
        views.episode_transcript,
        name="episode_transcript",
    ),
    path(
        "episodes/<int:pk>/chapters.json",
        views.episode_chapters,
        name="episode_chapters",
    ),
    path("episodes/<int:pk>/plays/", views.episode_plays, name="episode_plays"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
