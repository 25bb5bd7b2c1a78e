"""The column's podcast feed (RSS 2.0 + iTunes + Podcasting 2.0 namespaces) and the
iCalendar feed of upcoming lectures."""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from cms.models import ColumnIndexPage, EpisodePage

FEED_ITEMS = 300
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"


def format_duration(seconds):
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


class PodcastFeedType(Rss201rev2Feed):
    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:itunes"] = ITUNES
        attributes["xmlns:podcast"] = PODCAST
        return attributes

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        feed = self.feed
        handler.addQuickElement("itunes:author", feed["itunes_author"])
        handler.addQuickElement("itunes:summary", feed["description"])
        handler.addQuickElement("itunes:explicit", feed["itunes_explicit"])
        handler.addQuickElement("itunes:type", "episodic")
        handler.addQuickElement("itunes:image", None, {"href": feed["image_url"]})
        handler.addQuickElement("itunes:category", None, {"text": feed["category"]})
        handler.startElement("itunes:owner", {})
        handler.addQuickElement("itunes:name", feed["itunes_author"])
        handler.endElement("itunes:owner")
        handler.startElement("image", {})
        handler.addQuickElement("url", feed["image_url"])
        handler.addQuickElement("title", feed["title"])
        handler.addQuickElement("link", feed["link"])
        handler.endElement("image")
        handler.addQuickElement("podcast:locked", "no")
        handler.addQuickElement("podcast:guid", feed["podcast_guid"])

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:duration", item["duration"])
        handler.addQuickElement("itunes:episode", str(item["episode_number"]))
        handler.addQuickElement("itunes:episodeType", "full")
        handler.addQuickElement("itunes:explicit", item["explicit"])
        if item.get("transcript_url"):
            handler.addQuickElement(
                "podcast:transcript",
                None,
                {
                    "url": item["transcript_url"],
                    "type": "text/vtt",
                    "language": "zh-cn",
                },
            )
        if item.get("chapters_url"):
            handler.addQuickElement(
                "podcast:chapters",
                None,
                {"url": item["chapters_url"], "type": "application/json+chapters"},
            )


class PodcastFeed(Feed):
    """Live, public episodes that have a recording, newest first."""

    feed_type = PodcastFeedType
    # RSS wants an RFC 1766 code, whatever language the visitor chose.
    language = "zh-cn"

    def get_object(self, request):
        column = ColumnIndexPage.objects.live().public().first()
        if column is None:
            raise Http404("No column")
        self.request = request
        return column

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response.pufa_public_cache = True
        return response

    def _absolute(self, url):
        return self.request.build_absolute_uri(url)

    def title(self, column):
        return column.title

    def link(self, column):
        return column.url

    def description(self, column):
        return column.summary() or column.title

    def feed_url(self, column):
        from django.urls import reverse

        return reverse("cms:podcast_feed")

    def feed_extra_kwargs(self, column):
        image = None
        if column.cover_image_id:
            image = column.cover_image.get_rendition("fill-1400x1400").url
        return {
            "itunes_author": column.podcast_author,
            "itunes_explicit": "true" if column.podcast_explicit else "false",
            "category": column.podcast_category,
            "image_url": self._absolute(image or static("cms/img/podcast-cover.png")),
            "podcast_guid": str(column.translation_key),
        }

    def items(self, column):
        return [
            episode
            for episode in EpisodePage.objects.live()
            .public()
            .filter(column=column)
            .select_related("column", "unit")
            .order_by("-air_date", "-number")[:FEED_ITEMS]
            if episode.media()
        ]

    def item_title(self, episode):
        return f"{episode.label} {episode.title}"

    def item_description(self, episode):
        return episode.summary or episode.title

    def item_link(self, episode):
        return episode.url

    def item_guid(self, episode):
        # translation_key is a UUID made when the page is created and never
        # changed: renaming or moving the episode keeps its identity in the apps.
        return f"urn:uuid:{episode.translation_key}"

    def item_guid_is_permalink(self, episode):
        return False

    def item_pubdate(self, episode):
        return timezone.localtime(episode.aired_at())

    def item_updateddate(self, episode):
        return episode.last_published_at

    def item_author_name(self, episode):
        return str(episode.unit)

    def item_categories(self, episode):
        return [tag.name for tag in episode.topics.all()]

    def item_enclosures(self, episode):
        from django.utils.feedgenerator import Enclosure

        url, size, mime = episode.media()
        return [Enclosure(self._absolute(url), str(size), mime)]

    def item_extra_kwargs(self, episode):
        column = episode.column
        return {
            "duration": format_duration(episode.duration_seconds),
            "episode_number": episode.number,
            "explicit": "true" if column and column.podcast_explicit else "false",
            "transcript_url": (
                self._absolute(episode.transcript_url()) if episode.transcript else None
            ),
            "chapters_url": (
                self._absolute(episode.chapters_url()) if episode.chapters() else None
            ),
        }


def lecture_calendar_feed(request):
    """Upcoming lectures as iCalendar, for subscribing from a calendar app."""
    from cms.services.lectures import lecture_ical, upcoming_calendar_entries

    body = lecture_ical(
        entries=upcoming_calendar_entries(),
        calendar_name=_("Pufa lectures"),
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pufa-lectures.ics"'
    response.pufa_public_cache = True
    return response
