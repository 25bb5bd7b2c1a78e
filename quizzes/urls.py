"""The bank's admin pages (mounted under /admin/quizzes/ by wagtail_hooks)."""

from django.urls import path

from quizzes import views

admin_patterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/template.xlsx", views.template_download, name="import_template"),
    path("questions/<int:pk>/review/", views.review, name="review"),
]
