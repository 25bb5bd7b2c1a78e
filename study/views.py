"""The cadre's study pages. Rules are in study.services."""

from django.http import Http404


def home(request):
    raise Http404
