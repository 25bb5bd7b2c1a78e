from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from pufa.context_processors import LARGE_TEXT_COOKIE

ONE_YEAR = 365 * 24 * 3600


@never_cache
def healthz(request):
    """Liveness probe for the reverse proxy; touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")


def _redirect_back(request):
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return HttpResponseRedirect(next_url)


@never_cache
def choose_text_size(request, size):
    """Remember the reader's text size (the 适老化 large-text switch) in a cookie.

    A plain link, not a form: it works without JavaScript, and public pages stay free
    of CSRF tokens so they can be cached. The cookie is only a display preference.
    """
    response = _redirect_back(request)
    response.set_cookie(
        LARGE_TEXT_COOKIE,
        "large" if size == "large" else "normal",
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@never_cache
def choose_language(request, language):
    """Switch the interface language (zh-hans or en) for this browser."""
    response = _redirect_back(request)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=request.is_secure(),
        )
    return response
