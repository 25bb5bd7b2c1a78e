"""Who cites a law article: a registry the law page asks, per article.

Each app that cites articles registers a callable with ``register_citing(label,
callable)``. The callable takes a list of LawArticle ids and returns
``{article_id: [(title, url), …]}`` for the public items citing them. cms registers
its episodes and lectures; the exam bank registers its questions the same way,
without cms importing it.
"""

from dataclasses import dataclass

from django.utils import timezone

_registry = {}


@dataclass(frozen=True)
class CitingGroup:
    label: object  # e.g. _("Episodes")
    items: list  # [(title, url), …]


def register_citing(label, provider, *, key=None):
    """Register ``provider(article_ids) -> {article_id: [(title, url), …]}``.

    ``key`` (default: the provider's qualified name) makes registering twice (for
    example when an app's ready() runs again in tests) replace, not duplicate.
    """
    key = key or f"{provider.__module__}.{provider.__qualname__}"
    _registry[key] = (label, provider)
    return provider


def unregister_citing(key):
    _registry.pop(key, None)


def citing(article_ids):
    """``{article_id: [CitingGroup, …]}`` over every registered provider, in
    registration order; articles nothing cites are absent."""
    article_ids = list(article_ids)
    result = {}
    if not article_ids:
        return result
    for label, provider in _registry.values():
        for article_id, items in (provider(article_ids) or {}).items():
            if items:
                result.setdefault(article_id, []).append(
                    CitingGroup(label=label, items=list(items))
                )
    return result


def episodes_citing(article_ids):
    from cms.models import EpisodeCitation

    found = {}
    citations = (
        EpisodeCitation.objects.filter(article_id__in=article_ids, episode__live=True)
        .select_related("episode")
        .order_by("-episode__air_date")
    )
    for citation in citations:
        episode = citation.episode
        entry = (f"{episode.label} {episode.title}", episode.url)
        items = found.setdefault(citation.article_id, [])
        if entry not in items:
            items.append(entry)
    return found


def lectures_citing(article_ids):
    from cms.models import LectureCitation

    found = {}
    citations = (
        LectureCitation.objects.filter(article_id__in=article_ids, lecture__live=True)
        .select_related("lecture")
        .order_by("-lecture__starts_at")
    )
    for citation in citations:
        lecture = citation.lecture
        starts = timezone.localtime(lecture.starts_at)
        entry = (f"{lecture.title}（{starts:%Y-%m-%d}）", lecture.url)
        items = found.setdefault(citation.article_id, [])
        if entry not in items:
            items.append(entry)
    return found
