"""What other apps put on the home page, without cms importing them.

- ``exams_url()``: "/exams/" when some app serves it (the exam app, later), else None,
  so the home page never shows a dead link.
- ``register_reach_figures(callable)``: the reach ledger registers a callable taking
  the request and returning ``[(label, value), …]``; the home page shows them in its
  ``reach_figures`` block.
"""

import logging

from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)
EXAMS_PATH = "/exams/"
_reach_providers = []


def exams_url():
    try:
        match = resolve(EXAMS_PATH)
    except Resolver404:
        return None
    # Wagtail's catch-all resolves every path; only another view counts.
    if match.url_name == "wagtail_serve":
        return None
    return EXAMS_PATH


def register_reach_figures(provider):
    if provider not in _reach_providers:
        _reach_providers.append(provider)
    return provider


def reach_figures(request):
    figures = []
    for provider in _reach_providers:
        try:
            figures.extend(provider(request))
        except Exception:  # a broken provider must not take the home page down
            logger.exception("Reach figures provider %r failed", provider)
    return figures
