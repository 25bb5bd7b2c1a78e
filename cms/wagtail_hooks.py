from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Law, LawArticle, MustKnowList
from cms.services.laws import LawError, import_law
from cms.services.schedule import nine_day_schedule
from org import roles


class LawViewSet(SnippetViewSet):
    model = Law
    icon = "doc-full"
    menu_label = _("Laws")
    list_display = ["title", "short_name", "kind", "effective_date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "short_name"]
    search_backend_name = None


class LawArticleViewSet(SnippetViewSet):
    model = LawArticle
    icon = "doc-full-inverse"
    menu_label = _("Law articles")
    list_display = ["__str__", "heading", "status"]
    list_filter = ["law", "status"]
    list_per_page = 50
    search_fields = ["text", "number_label"]
    search_backend_name = None


class MustKnowListViewSet(SnippetViewSet):
    model = MustKnowList
    icon = "list-ol"
    menu_label = _("Must-know lists")
    list_display = ["title", "year"]


class LawGroup(SnippetViewSetGroup):
    menu_label = _("Laws")
    menu_icon = "doc-full"
    menu_order = 300
    items = (LawViewSet, LawArticleViewSet, MustKnowListViewSet)


register_snippet(LawGroup)


# --- The 逢九 schedule tool and the law text import, in the admin ---------------


SCHEDULE_ROLES = {roles.EDITOR, roles.REVIEWER, roles.ORGANISER, roles.ADMINISTRATOR}
MAX_LAW_TEXT_BYTES = 2 * 1024 * 1024


def can_plan_lectures(user):
    return bool(roles.user_roles(user) & SCHEDULE_ROLES)


class NineDayScheduleView(WagtailAdminTemplateMixin, TemplateView):
    """The year's 逢九 dates, with those on a rest day flagged and a working day
    proposed instead, beside the lectures already planned on each date."""

    template_name = "cms/admin/nine_day_schedule.html"
    page_title = _("Nine-day lecture schedule")
    header_icon = "date"

    # No breadcrumbs: the classic header then shows the page's title.
    breadcrumbs_items = []

    def dispatch(self, request, *args, **kwargs):
        if not can_plan_lectures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_year(self):
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        return min(max(year, 2000), 2100)

    def get_context_data(self, **kwargs):
        from cms.models import LecturePage, LectureSeriesPage

        context = super().get_context_data(**kwargs)
        year = self.get_year()
        schedule = nine_day_schedule(year)
        series = LectureSeriesPage.objects.filter(
            kind=LectureSeriesPage.Kind.NINE_DAYS
        ).first()
        planned = {}
        if series is not None:
            for lecture in LecturePage.objects.child_of(series).filter(
                starts_at__year=year
            ):
                planned.setdefault(
                    timezone.localtime(lecture.starts_at).date(), []
                ).append(lecture)
        user = self.request.user
        rows = []
        for proposed in schedule.dates:
            lectures = planned.get(proposed.date, [])
            if proposed.suggestion:
                lectures = lectures + planned.get(proposed.suggestion, [])
            rows.append(
                {
                    "proposed": proposed,
                    "lectures": [
                        (lecture, lecture.permissions_for_user(user).can_edit())
                        for lecture in lectures
                    ],
                }
            )
        context.update(
            schedule=schedule,
            rows=rows,
            year=year,
            years=range(year - 1, year + 2),
            series=series,
            can_add=bool(
                series and series.permissions_for_user(user).can_add_subpage()
            ),
        )
        return context


class LawTextForm(forms.Form):
    file = forms.FileField(
        label=_("Law text (UTF-8 .txt)"),
        help_text=_(
            "Lines of “第X条 …”; 编/章/节 headings are allowed. The first lines may "
            "give “# title: …”, “# short_name: …”, “# kind: law”."
        ),
    )
    slug = forms.SlugField(
        label=_("Slug"),
        required=False,
        help_text=_("Latin letters for the law's address, e.g. civil-code."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".txt"):
            raise forms.ValidationError(
                _("Upload the law as a plain-text .txt file (UTF-8).")
            )
        if upload.size > MAX_LAW_TEXT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; split the law into parts.")
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it as UTF-8 and upload it again.")
            ) from None


class LawImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a law's plain text; it is parsed and saved all or nothing."""

    template_name = "cms/admin/law_import.html"
    form_class = LawTextForm
    page_title = _("Import a law text")
    header_icon = "doc-full"

    # No breadcrumbs: the classic header then shows the page's title.
    breadcrumbs_items = []

    def dispatch(self, request, *args, **kwargs):
        if not (
            request.user.has_perm("cms.add_law")
            and request.user.has_perm("cms.add_lawarticle")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            result = import_law(
                text=form.cleaned_data["file"], slug=form.cleaned_data["slug"] or None
            )
        except LawError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(law)s: %(added)d articles added, %(changed)d changed, "
                "%(unchanged)d unchanged."
            )
            % {
                "law": result.law,
                "added": result.articles_added,
                "changed": result.articles_changed,
                "unchanged": result.articles_unchanged,
            },
        )
        return redirect(result.law.get_absolute_url())


@hooks.register("register_admin_urls")
def register_cms_admin_urls():
    return [
        path(
            "cms/nine-day-schedule/",
            NineDayScheduleView.as_view(),
            name="cms_nine_day_schedule",
        ),
        path("cms/import-law/", LawImportView.as_view(), name="cms_law_import"),
    ]


class RoleMenuItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


@hooks.register("register_admin_menu_item")
def register_schedule_menu_item():
    return RoleMenuItem(
        _("Nine-day schedule"),
        reverse("cms_nine_day_schedule"),
        icon_name="date",
        order=250,
        check=can_plan_lectures,
    )


@hooks.register("register_admin_menu_item")
def register_law_import_menu_item():
    return RoleMenuItem(
        _("Import a law text"),
        reverse("cms_law_import"),
        icon_name="upload",
        order=310,
        check=lambda user: user.has_perm("cms.add_law"),
    )


@hooks.register("before_copy_page")
def refuse_copying_episodes(request, page):
    """A copy would carry the same episode number, which the column refuses."""
    from cms.models import EpisodePage

    if isinstance(page.specific, EpisodePage):
        messages.error(
            request,
            _(
                "An episode cannot be copied: each has its own number. "
                "Add a new episode to the column instead."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
