from django.conf import settings

LARGE_TEXT_COOKIE = "pufa_text"


def site(request):
    """Values every public page needs: the site's name and the reader's text size."""
    return {
        "site_name": settings.SITE_NAME,
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "large",
    }
