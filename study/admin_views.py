"""Study records in the Wagtail admin: the report by unit and cadre (xlsx), one
cadre's record (PDF), and the points rules. Every view checks the permission and
the reader's county scope; the rules are in study.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from org.models import Person
from org.scoping import scope_for
from study.admin_forms import ReportFilterForm, RuleSetForm
from study.services.errors import StudyError
from study.services.reports import (
    cadre_rows,
    cadres,
    describe_weakest,
    record_pdf,
    report_xlsx,
    unit_rows,
)
from study.services.rules import RULE_FIELDS, create_rule_set, rule_timeline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StudyPermissionMixin:
    permission = "study.view_study_report"

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


class ReportMixin(StudyPermissionMixin):
    def report(self):
        form = ReportFilterForm(self.request.GET or None, scope=self.scope)
        values = form.values()
        people = cadres(scope=self.scope, **values)
        rows, answers = cadre_rows(people, values["year"])
        return form, values, rows, unit_rows(rows, answers)


class ReportView(ReportMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "study/admin/report.html"
    page_title = gettext_lazy("Study records report")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, values, rows, units = self.report()
        query = urlencode({k: v for k, v in values.items() if v not in (None, "")})
        context.update(
            form=form,
            year=values["year"],
            units=units,
            rows_page=Paginator(rows, 50).get_page(self.request.GET.get("page")),
            cadre_count=len(rows),
            query=query,
            export_url=f"{reverse('study_admin:export')}?{query}",
            describe_weakest=describe_weakest,
        )
        return context


class ExportView(ReportMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        _form, values, rows, units = self.report()
        title = _("Study records %(year)d") % {"year": values["year"]}
        response = HttpResponse(
            report_xlsx(title=title, rows=rows, units=units), content_type=XLSX
        )
        name = f"study-{values['year']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CadreMixin(StudyPermissionMixin):
    def cadre_row(self):
        person = get_object_or_404(
            Person.objects.select_related("unit", "county"), pk=self.kwargs["pk"]
        )
        if not self.scope.allows(person.county_id):
            raise Http404
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        rows, _answers = cadre_rows([person], year)
        return rows[0]


class CadreView(CadreMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "study/admin/cadre.html"
    header_icon = "user"

    def get_page_title(self):
        return _("Study record")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.cadre_row()
        context.update(
            row=row,
            record=row.record,
            year=row.record.year,
            weakest=describe_weakest(row.weakest),
            pdf_url=reverse("study_admin:cadre_pdf", args=[row.person.pk])
            + f"?year={row.record.year}",
        )
        return context


class CadrePdfView(CadreMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        row = self.cadre_row()
        response = HttpResponse(record_pdf(row), content_type="application/pdf")
        name = f"study-record-{row.person.pk}-{row.record.year}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class RulesView(StudyPermissionMixin, WagtailAdminTemplateMixin, FormView):
    """The versions of the points rules; administrators add a new one."""

    permission = "study.view_pointsruleset"
    template_name = "study/admin/rules.html"
    page_title = gettext_lazy("Study points rules")
    header_icon = "list-ol"
    form_class = RuleSetForm

    def can_add(self):
        return self.request.user.has_perm("study.add_pointsruleset")

    def get_initial(self):
        latest = rule_timeline().rule_sets[-1:] or [None]
        latest = latest[0]
        initial = {"valid_from": timezone.localdate().replace(month=1, day=1)}
        if latest is not None:
            initial.update({name: getattr(latest, name) for name in RULE_FIELDS})
        return initial

    def form_valid(self, form):
        if not self.can_add():
            raise PermissionDenied
        data = form.cleaned_data
        try:
            rules = create_rule_set(
                valid_from=data["valid_from"],
                actor=self.request.user,
                note=data["note"],
                **{name: data[name] for name in RULE_FIELDS},
            )
        except StudyError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Rules v%(version)d saved. Points from %(date)s are recomputed with it.")
            % {"version": rules.version, "date": rules.valid_from.isoformat()},
        )
        return redirect("study_admin:rules")

    def post(self, request, *args, **kwargs):
        if not self.can_add():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        timeline = rule_timeline()
        context.update(
            versions=list(reversed(timeline.rule_sets)),
            current=timeline.current(),
            can_add=self.can_add(),
        )
        return context
