from django.urls import path

from study import admin_views

urlpatterns = [
    path("", admin_views.ReportView.as_view(), name="report"),
    path("export.xlsx", admin_views.ExportView.as_view(), name="export"),
    path("cadres/<int:pk>/", admin_views.CadreView.as_view(), name="cadre"),
    path(
        "cadres/<int:pk>/record.pdf",
        admin_views.CadrePdfView.as_view(),
        name="cadre_pdf",
    ),
    path("rules/", admin_views.RulesView.as_view(), name="rules"),
]
