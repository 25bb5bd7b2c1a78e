from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.models.base import PublicPageMixin

LATEST_EPISODES = 6
UPCOMING_LECTURES = 4


class HomePage(PublicPageMixin, Page):
    """The public site's front page: what pufa offers and where to start."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])
    show_in_menus_default = True

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ColumnIndexPage", "cms.LectureIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def __str__(self):
        return self.title

    def summary(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        from cms import home_slots
        from cms.models import (
            ColumnIndexPage,
            EpisodePage,
            LectureIndexPage,
            LecturePage,
        )

        context = super().get_context(request, *args, **kwargs)
        context.update(
            column=ColumnIndexPage.objects.live().public().first(),
            lecture_index=LectureIndexPage.objects.live().public().first(),
            latest_episodes=EpisodePage.objects.live()
            .public()
            .select_related("unit")
            .order_by("-air_date", "-number")[:LATEST_EPISODES],
            upcoming_lectures=LecturePage.objects.live()
            .public()
            .filter(ends_at__gte=timezone.now(), cancelled=False)
            .select_related("place__parent")
            .order_by("starts_at")[:UPCOMING_LECTURES],
            exams_url=home_slots.exams_url(),
            reach_figures=home_slots.reach_figures(request),
        )
        return context
