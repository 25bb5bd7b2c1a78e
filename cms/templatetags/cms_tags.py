from django import template
from django.core.cache import cache

from cms import pagecache

register = template.Library()


@register.simple_tag
def cms_sections():
    """URLs of the column and the lecture calendar, for the menu; None when a
    section has no live page (so the menu never links to nothing). Kept in the
    cache until content changes."""
    key = f"cms:sections:{pagecache.current_version()}"
    sections = cache.get(key)
    if sections is None:
        from cms.models import ColumnIndexPage, LectureIndexPage

        column = ColumnIndexPage.objects.live().public().first()
        lectures = LectureIndexPage.objects.live().public().first()
        sections = {
            "column": column.url if column else None,
            "lectures": lectures.url if lectures else None,
        }
        cache.set(key, sections, timeout=pagecache.timeout())
    return sections


@register.filter
def clock(seconds):
    """12:05 from 725 seconds (h:mm:ss past an hour)."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"
