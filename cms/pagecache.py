"""The anonymous page cache: what every anonymous visitor sees, kept for a while.

A response is kept only if the page opted in (``response.pufa_public_cache``, set by
PublicPageMixin.serve and the feeds), the request carried no session (so no editor's
user bar and no per-user content), and the response sets no cookie. The key holds the
host, the full path, and the two display cookies (language, text size); it also holds
a site-wide version that publishing, unpublishing and deleting pages (and changing
laws) raise, so nobody is served an old page after a change.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from pufa.context_processors import LARGE_TEXT_COOKIE

VERSION_KEY = "cms:pagecache:version"
DEFAULT_TIMEOUT = 300


def timeout():
    return getattr(settings, "PUFA_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


def invalidate():
    """Forget every cached page (after content changed)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def display_variant(request):
    """The two cookies public pages vary by, normalised to the values that matter."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    text = "large" if request.COOKIES.get(LARGE_TEXT_COOKIE) == "large" else "normal"
    return language, text


def cache_key(request):
    language, text = display_variant(request)
    raw = "|".join(
        [request.get_host(), request.get_full_path(), language, text]
    ).encode()
    digest = hashlib.sha256(raw).hexdigest()
    return f"cms:page:{current_version()}:{digest}"


def is_anonymous_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def is_cacheable_response(response):
    return (
        getattr(response, "pufa_public_cache", False)
        and response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )
