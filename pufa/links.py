"""Absolute addresses of public pages, for what leaves the site: printed QR codes,
calendar entries, share links. Built from the public address setting (BASE_URL),
never from Wagtail's Site record, which may still say localhost."""

from django.conf import settings


def public_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/" + path.lstrip("/")
