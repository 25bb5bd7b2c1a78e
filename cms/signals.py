"""Keeps what is derived from pages up to date when pages change: the lecture
calendar entries and the anonymous page cache."""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.signals import page_published, page_unpublished

from cms import pagecache


def _lecture_published(sender, instance, **kwargs):
    from cms.services.lectures import sync_calendar_entry

    sync_calendar_entry(lecture=instance)


def _lecture_removed(sender, instance, **kwargs):
    from cms.services.lectures import sync_calendar_entry

    sync_calendar_entry(lecture=instance, removed=True)


def _content_changed(sender, **kwargs):
    pagecache.invalidate()


def connect():
    from wagtail.models import Page

    from cms.models import (
        Law,
        LawArticle,
        LecturePage,
        MustKnowEntry,
        MustKnowList,
    )
    from org.models import Place, Unit

    page_published.connect(
        _lecture_published, sender=LecturePage, dispatch_uid="cms.lecture_published"
    )
    page_unpublished.connect(
        _lecture_removed, sender=LecturePage, dispatch_uid="cms.lecture_unpublished"
    )
    pre_delete.connect(
        _lecture_removed, sender=LecturePage, dispatch_uid="cms.lecture_deleted"
    )
    page_published.connect(_content_changed, dispatch_uid="cms.cache_published")
    page_unpublished.connect(_content_changed, dispatch_uid="cms.cache_unpublished")
    # Pages are deleted as the base Page class and as their own class.
    post_delete.connect(_content_changed, sender=Page, dispatch_uid="cms.cache_page")
    for model in (Law, LawArticle, MustKnowList, MustKnowEntry, Unit, Place):
        post_save.connect(
            _content_changed, sender=model, dispatch_uid=f"cms.cache_{model.__name__}"
        )
        post_delete.connect(
            _content_changed,
            sender=model,
            dispatch_uid=f"cms.cache_del_{model.__name__}",
        )
