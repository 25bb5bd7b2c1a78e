from django.conf import settings
from django.utils.functional import SimpleLazyObject


def cadre(request):
    """``study_cadre``: the cadre signed in to study (a Person), else None.

    Looked up only for requests that carry a session: anonymous visitors' cached
    pages never touch the session.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"study_cadre": None}
    from study.services.identity import signed_in_cadre

    return {"study_cadre": SimpleLazyObject(lambda: signed_in_cadre(request))}
