import hashlib
import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cms import citations
from cms.errors import CmsError
from cms.models import EpisodePage, Law, MustKnowList
from cms.services.plays import record_play
from cms.services.search import NO_QUERY, search_site
from cms.sitemaps import sitemaps


def _public(response):
    response.pufa_public_cache = True
    return response


@require_GET
def law_index(request):
    """The latest must-know list, then every other law pufa holds."""
    must_know = MustKnowList.objects.prefetch_related("entries__law").first()
    listed = [entry.law for entry in must_know.entries.all()] if must_know else []
    others = Law.objects.exclude(pk__in=[law.pk for law in listed])
    return _public(
        render(
            request,
            "cms/laws/law_index.html",
            {"must_know": must_know, "listed": listed, "others": others},
        )
    )


@require_GET
def law_detail(request, slug):
    """A law's articles and, under each, the episodes, lectures and exam questions
    that cite it (cms.citations)."""
    law = get_object_or_404(Law, slug=slug)
    articles = list(law.articles.order_by("number"))
    cited_by = citations.citing([article.pk for article in articles])
    for article in articles:
        article.cited_by = cited_by.get(article.pk, [])
    return _public(
        render(request, "cms/laws/law_detail.html", {"law": law, "articles": articles})
    )


@require_GET
def search(request):
    query = request.GET.get("q", "")
    results = search_site(query=query)
    return _public(
        render(
            request,
            "cms/search.html",
            {"query": results.query, "results": results, "no_query": NO_QUERY},
        )
    )


def _public_episode(pk):
    episode = EpisodePage.objects.live().public().filter(pk=pk).first()
    if episode is None:
        raise Http404
    return episode


@require_GET
def episode_transcript(request, pk):
    """The episode's WebVTT transcript (players' <track>, podcast:transcript)."""
    episode = _public_episode(pk)
    if not episode.transcript.strip():
        raise Http404
    response = HttpResponse(episode.transcript, content_type="text/vtt; charset=utf-8")
    return _public(response)


@require_GET
def episode_chapters(request, pk):
    """Podcasting 2.0 JSON chapters: one per cited article."""
    episode = _public_episode(pk)
    chapters = episode.chapters()
    if not chapters:
        raise Http404
    body = {
        "version": "1.2.0",
        "title": episode.title,
        "chapters": [
            {
                "startTime": chapter["start"],
                "title": chapter["title"],
                "url": request.build_absolute_uri(citation.article.get_absolute_url()),
            }
            for chapter, citation in zip(
                chapters,
                sorted(
                    (c for c in episode.cited if c.start_seconds is not None),
                    key=lambda c: c.start_seconds,
                ),
                strict=True,
            )
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        content_type="application/json+chapters; charset=utf-8",
    )
    return _public(response)


def _listener_key(request):
    """An opaque, salted key for the listener's address and browser; never stored
    beyond the cache's hour."""
    raw = "|".join(
        [
            settings.SECRET_KEY,
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_USER_AGENT", "")[:200],
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


# Anonymous and tied to no account or session: a forged request can only count one
# more play, which the nonce makes idempotent, so there is nothing for CSRF to guard.
@csrf_exempt
@require_POST
def episode_plays(request, pk):
    """The player counts a play: POST {"nonce": "<uuid>"}."""
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = {}
    nonce = payload.get("nonce") if isinstance(payload, dict) else None
    try:
        _play, created = record_play(
            episode_id=pk, nonce=nonce, listener=_listener_key(request)
        )
    except CmsError as error:
        status = {"no_such_episode": 404, "too_many_plays": 429}.get(error.code, 400)
        return JsonResponse(
            {"code": error.code, "message": str(error.message)}, status=status
        )
    return JsonResponse({"counted": created}, status=201 if created else 200)


@require_GET
def sitemap(request):
    """Every public page and law, for search engines."""
    from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

    response = wagtail_sitemap(request, sitemaps=sitemaps)
    response.render()
    return _public(response)
