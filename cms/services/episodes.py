"""Episodes of the column: the numbering rule and the public list's filters."""

from dataclasses import dataclass, field

from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cms.errors import CmsError


def check_episode_number(*, column, number, exclude_page_id=None):
    """Refuse a number another episode of ``column`` has, live or in a draft
    (a draft waiting for review would otherwise collide when it is published).

    Raises CmsError ``duplicate_episode_number`` naming the episode that has it.
    """
    from cms.models import EpisodePage

    others = EpisodePage.objects.child_of(column).exclude(pk=exclude_page_id)
    clash = others.filter(number=number).first()
    if clash is None:
        for page in others.filter(has_unpublished_changes=True).select_related(
            "latest_revision"
        ):
            revision = page.latest_revision
            if revision and revision.content.get("number") == number:
                clash = page
                break
    if clash is not None:
        raise CmsError(
            "duplicate_episode_number",
            _(
                "Episode number %(number)s is already used by “%(title)s” in this "
                "column; give this episode the next free number, %(free)s."
            )
            % {
                "number": number,
                "title": clash.title,
                "free": next_episode_number(column=column),
            },
            field="number",
        )


def next_episode_number(*, column):
    from django.db.models import Max

    from cms.models import EpisodePage

    highest = EpisodePage.objects.child_of(column).aggregate(Max("number"))
    return (highest["number__max"] or 0) + 1


@dataclass
class EpisodeFilters:
    """The public list's filters: what was asked, what can be asked, the result."""

    queryset: object
    selected: dict = field(default_factory=dict)
    units: list = field(default_factory=list)
    laws: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    years: list = field(default_factory=list)

    @property
    def query_string(self):
        """The filters as a query string, for the pagination links."""
        return urlencode({k: v for k, v in self.selected.items() if v})

    @property
    def active(self):
        return any(self.selected.values())


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def episode_filters(*, column, params):
    """Live episodes of ``column`` narrowed by unit, law, topic and year from
    ``params`` (request.GET); unknown values are ignored, never an error."""
    from taggit.models import Tag

    from cms.models import EpisodeCitation, EpisodePage, Law
    from org.models import Unit

    episodes = EpisodePage.objects.live().public().filter(column=column)
    unit_id = _int_or_none(params.get("unit"))
    law_slug = str(params.get("law") or "")[:64]
    topic_slug = str(params.get("topic") or "")[:100]
    year = _int_or_none(params.get("year"))

    queryset = episodes
    if unit_id:
        queryset = queryset.filter(unit_id=unit_id)
    if law_slug:
        queryset = queryset.filter(citations__law__slug=law_slug)
    if topic_slug:
        queryset = queryset.filter(topic_items__tag__slug=topic_slug)
    if year:
        queryset = queryset.filter(air_date__year=year)
    queryset = (
        queryset.distinct().select_related("unit").order_by("-air_date", "-number")
    )

    episode_ids = episodes.values("pk")
    return EpisodeFilters(
        queryset=queryset,
        selected={
            "unit": str(unit_id or ""),
            "law": law_slug,
            "topic": topic_slug,
            "year": str(year or ""),
        },
        units=list(Unit.objects.filter(episodes__in=episode_ids).distinct()),
        laws=list(
            Law.objects.filter(
                pk__in=EpisodeCitation.objects.filter(episode__in=episode_ids).values(
                    "law"
                )
            )
        ),
        topics=list(
            Tag.objects.filter(cms_episodetopic_items__content_object__in=episode_ids)
            .distinct()
            .order_by("name")
        ),
        years=sorted(
            {d.year for d in episodes.dates("air_date", "year")}, reverse=True
        ),
    )
