"""The reach ledger in the Wagtail admin: dashboard, event ledger, imports, report.

Every view checks the user's permission and county scope; the rules are in
events.services.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from events.forms import CorrectionForm, DashboardFilterForm, ImportForm
from events.models import Attendance, Event, ImportBatch, Target
from events.services import charts, exports, posters
from events.services.errors import EventsError
from events.services.imports import confirm_batch, create_batch
from events.services.ledger import correct_attendance, current_headcount, history_of
from events.services.report import annual_paragraph, report_figures
from events.services.spreadsheets import MAX_UPLOAD_BYTES, file_too_large
from events.services.tally import (
    DIMENSIONS,
    ReachFilter,
    breakdown,
    default_year,
    filter_key,
    totals,
)
from events.tasks import start_import_step
from org.scoping import scope_for


class PermissionRequiredMixin:
    permission = "events.view_event"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": "", "label": self.get_page_title()},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.scope = scope_for(request.user)
        return super().dispatch(request, *args, **kwargs)


def event_years():
    first = Event.objects.aggregate(first=Min("starts_at"))["first"]
    this_year = timezone.localdate().year
    start = timezone.localtime(first).year if first else this_year
    return range(start, this_year + 1)


def filter_from(form, scope):
    """A ReachFilter from the dashboard's (valid) filter form."""
    data = form.cleaned_data if form.is_valid() else {}
    county = data.get("county")
    return ReachFilter(
        year=data.get("year") or default_year(),
        month=data.get("month") or None,
        county_id=county if county not in ("", None) else None,
        township_id=data["township"].pk if data.get("township") else None,
        event_type_id=data["event_type"].pk if data.get("event_type") else None,
        platform=data.get("platform") or None,
        unit_id=data["unit"].pk if data.get("unit") else None,
        scope=scope,
    )


def filter_query(reach_filter, **changes):
    """The query string that selects ``reach_filter`` (with changes) again."""
    target = reach_filter.with_(**changes)
    pairs = {
        "year": target.year,
        "month": target.month,
        "county": target.county_id,
        "township": target.township_id,
        "event_type": target.event_type_id,
        "platform": target.platform,
        "unit": target.unit_id,
    }
    return urlencode({k: v for k, v in pairs.items() if v not in (None, "")})


def target_progress(reach_filter, total):
    """Targets of the year (and county), each with the figure reached so far."""
    targets = Target.objects.filter(year=reach_filter.year).select_related(
        "county", "event_type"
    )
    targets = reach_filter.scope.filter(targets, "county")
    if reach_filter.county_id:
        targets = targets.filter(county_id=reach_filter.county_id)
    rows = []
    for target in targets:
        scoped = reach_filter.with_(
            county_id=target.county_id,
            event_type_id=target.event_type_id,
            month=None,
            township_id=None,
            platform=None,
            unit_id=None,
        )
        figures = totals(scoped)
        reached = {
            Target.Metric.EVENTS: figures.events,
            Target.Metric.PERSON_TIMES: figures.person_times,
            Target.Metric.PERSONS: figures.persons,
        }[target.metric]
        rows.append(
            {
                "target": target,
                "reached": reached,
                "percent": min(100, round(100 * reached / target.value))
                if target.value
                else 100,
                "met": reached >= target.value,
            }
        )
    return rows


class DashboardView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/dashboard.html"
    page_title = gettext_lazy("Reach dashboard")
    header_icon = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DashboardFilterForm(
            self.request.GET or None, years=event_years(), scope=self.scope
        )
        reach_filter = filter_from(form, self.scope)
        total = totals(reach_filter)
        # One breakdown at a time (a tab per dimension): each is a GROUP BY over the
        # whole ledger, so the page computes only the one being read.
        chosen = self.request.GET.get("by")
        chosen = chosen if chosen in DIMENSIONS else "type"
        query = filter_query(reach_filter)
        tabs = [
            {
                "dimension": dimension,
                "label": label,
                "url": f"?{query}&by={dimension}",
                "current": dimension == chosen,
            }
            for dimension, label in DIMENSIONS.items()
        ]
        sections = []
        for dimension, label in [(chosen, DIMENSIONS[chosen])]:
            lines = breakdown(reach_filter, dimension)
            for line in lines:
                line.drill = (
                    filter_query(reach_filter, **filter_key(dimension, line))
                    + f"&by={dimension}"
                )
            sections.append(
                {
                    "dimension": dimension,
                    "label": label,
                    "lines": lines,
                    "chart": charts.bar_chart(
                        lines,
                        title=_("Person-times (人次) and persons (人) by %(dim)s")
                        % {"dim": label},
                        second=lambda f: f.persons,
                    ),
                    "export": "?".join(
                        [
                            reverse("events_admin:export"),
                            filter_query(reach_filter) + f"&dimension={dimension}",
                        ]
                    ),
                }
            )
        events = (
            reach_filter.events()
            .select_related("event_type", "county", "township")
            .order_by("-starts_at", "-pk")
        )
        page = Paginator(events, 50).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            total=total,
            sections=sections,
            targets=target_progress(reach_filter, total),
            events_page=page,
            tabs=tabs,
            query=f"{query}&by={chosen}",
            reach_filter=reach_filter,
        )
        return context


class ExportView(PermissionRequiredMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        dimension = request.GET.get("dimension", "county")
        if dimension not in DIMENSIONS:
            raise Http404
        form = DashboardFilterForm(request.GET, years=event_years(), scope=self.scope)
        reach_filter = filter_from(form, self.scope)
        title = _("Reach %(year)s by %(dim)s") % {
            "year": reach_filter.year,
            "dim": DIMENSIONS[dimension],
        }
        content = exports.breakdown_xlsx(
            title,
            DIMENSIONS[dimension],
            breakdown(reach_filter, dimension),
            totals(reach_filter),
        )
        response = HttpResponse(
            content,
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        name = f"reach-{reach_filter.year}-{dimension}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ReportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/report.html"
    page_title = gettext_lazy("Annual report figures")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DashboardFilterForm(
            self.request.GET or None, years=event_years(), scope=self.scope
        )
        reach_filter = filter_from(form, self.scope)
        figures = report_figures(reach_filter)
        context.update(
            form=form,
            figures=figures.values(),
            paragraph=annual_paragraph(reach_filter, figures),
            reach_filter=reach_filter,
        )
        return context


def scoped_event(request, pk):
    event = get_object_or_404(
        Event.objects.select_related("event_type", "county", "township", "unit"), pk=pk
    )
    if not scope_for(request.user).allows(event.county_id):
        raise Http404
    return event


class EventLedgerView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """An event's figures, its check-in QR, and every ledger row with corrections."""

    template_name = "events/admin/event_ledger.html"
    header_icon = "date"
    form_class = CorrectionForm

    def dispatch(self, request, *args, **kwargs):
        self.event = None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.get_event())

    def get_event(self):
        if self.event is None:
            self.event = scoped_event(self.request, self.kwargs["pk"])
        return self.event

    def form_valid(self, form):
        if not self.request.user.has_perm("events.add_attendance"):
            raise PermissionDenied
        event = self.get_event()
        row = get_object_or_404(
            Attendance, pk=self.request.POST.get("attendance"), event=event
        )
        try:
            correct_attendance(
                attendance=row,
                user=self.request.user,
                reason=form.cleaned_data["reason"],
                count=form.cleaned_data.get("count"),
            )
        except EventsError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, _("The correction was recorded."))
        return redirect("events_admin:event_ledger", pk=event.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("Give a reason for the correction."))
        return redirect("events_admin:event_ledger", pk=self.get_event().pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_event()
        rows = history_of(event)
        current = Attendance.objects.current().filter(event=event)
        person_times = sum(current.values_list("count", flat=True))
        figures = {
            "person_times": person_times,
            "persons": current.filter(person__isnull=False).count(),
            "headcount": current_headcount(event),
        }
        page = Paginator(rows, 100).get_page(self.request.GET.get("page"))
        url = posters.checkin_url(event, settings.WAGTAILADMIN_BASE_URL)
        opens, closes = event.checkin_window
        context.update(
            event=event,
            figures=figures,
            rows_page=page,
            checkin_url=url,
            qr_svg=posters.qr_svg(url, scale=4).decode(),
            window=(opens, closes),
            can_correct=self.request.user.has_perm("events.add_attendance"),
            can_edit=self.request.user.has_perm("events.change_event"),
        )
        return context


class PosterView(PermissionRequiredMixin, TemplateView):
    def get(self, request, pk, *args, **kwargs):
        event = scoped_event(request, pk)
        url = posters.checkin_url(event, settings.WAGTAILADMIN_BASE_URL)
        response = HttpResponse(posters.poster_pdf(event, url), "application/pdf")
        response["Content-Disposition"] = f'inline; filename="checkin-{event.pk}.pdf"'
        return response


class ImportIndexView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    permission = "events.add_importbatch"
    template_name = "events/admin/imports.html"
    page_title = gettext_lazy("Imports")
    header_icon = "upload"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batches = ImportBatch.objects.defer("content").select_related("created_by")
        if not self.scope.is_whole_prefecture:
            batches = batches.filter(created_by=self.request.user)
        context["batches"] = batches[:30]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            # Refused before reading it into memory.
            form.add_error("file", file_too_large().message)
            return self.form_invalid(form)
        content = upload.read()
        try:
            batch = create_batch(
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                content=content,
                user=self.request.user,
                scope=self.scope,
                year=form.cleaned_data.get("year"),
            )
        except EventsError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        start_import_step(batch, confirm=False)
        return redirect("events_admin:import_detail", pk=batch.pk)


def own_batch(request, pk):
    batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=pk)
    scope = scope_for(request.user)
    if not scope.is_whole_prefecture and batch.created_by_id != request.user.pk:
        raise Http404
    return batch


class ImportDetailView(
    PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView
):
    permission = "events.add_importbatch"
    template_name = "events/admin/import_detail.html"
    header_icon = "upload"

    def get_page_title(self):
        return _("Import no. %(pk)d") % {"pk": self.kwargs["pk"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = own_batch(self.request, self.kwargs["pk"])
        from events.services.imports import COLUMNS

        context.update(
            batch=batch,
            working=batch.status
            in (
                ImportBatch.Status.VALIDATING,
                ImportBatch.Status.QUEUED,
                ImportBatch.Status.RUNNING,
            ),
            columns=[aliases[0] for aliases in COLUMNS[batch.kind].values()],
        )
        return context

    def post(self, request, pk):
        batch = own_batch(request, pk)
        try:
            confirm_batch(batch)
        except EventsError as error:
            messages.error(request, error.message)
        else:
            if start_import_step(batch, confirm=True):
                messages.success(request, _("The import runs in the background."))
        return redirect("events_admin:import_detail", pk=batch.pk)


class ImportProgressView(PermissionRequiredMixin, TemplateView):
    permission = "events.add_importbatch"

    def get(self, request, pk, *args, **kwargs):
        batch = own_batch(request, pk)
        return JsonResponse(
            {
                "status": batch.status,
                "status_label": batch.get_status_display(),
                "processed": batch.processed_rows,
                "total": batch.total_rows,
                "percent": batch.progress_percent,
                "message": batch.message,
            }
        )


def template_file(request, kind):
    """A template spreadsheet with the import's columns and one example row."""
    if not request.user.has_perm("events.add_importbatch"):
        raise PermissionDenied
    from events.services.templates import template_xlsx

    if kind not in ImportBatch.Kind.values:
        raise Http404
    response = HttpResponse(
        template_xlsx(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
