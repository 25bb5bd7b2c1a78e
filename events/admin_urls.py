from django.urls import path

from events import admin_views

urlpatterns = [
    path("", admin_views.DashboardView.as_view(), name="dashboard"),
    path("export.xlsx", admin_views.ExportView.as_view(), name="export"),
    path("report/", admin_views.ReportView.as_view(), name="report"),
    path(
        "events/<int:pk>/", admin_views.EventLedgerView.as_view(), name="event_ledger"
    ),
    path("events/<int:pk>/poster.pdf", admin_views.PosterView.as_view(), name="poster"),
    path("imports/", admin_views.ImportIndexView.as_view(), name="imports"),
    path(
        "imports/<int:pk>/",
        admin_views.ImportDetailView.as_view(),
        name="import_detail",
    ),
    path(
        "imports/<int:pk>/progress/",
        admin_views.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path(
        "imports/template/<str:kind>.xlsx",
        admin_views.template_file,
        name="import_template",
    ),
]
