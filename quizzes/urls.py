"""The bank's admin pages (mounted under /admin/quizzes/ by wagtail_hooks)."""

from django.urls import path

from quizzes import (
    candidate_views,
    certificate_views,
    contest_views,
    proctor_views,
    views,
)

admin_patterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/template.xlsx", views.template_download, name="import_template"),
    path("questions/<int:pk>/review/", views.review, name="review"),
]

# The candidate's side of the live exam (public, ticket login), under /exam/.
exam_patterns = [
    path("", candidate_views.login, name="login"),
    path("t/<str:code>/", candidate_views.ticket_login, name="ticket_login"),
    path("logout/", candidate_views.logout, name="logout"),
    path("paper/", candidate_views.paper, name="paper"),
    path("api/state/", candidate_views.api_state, name="api_state"),
    path("api/start/", candidate_views.api_start, name="api_start"),
    path("api/answer/", candidate_views.api_answer, name="api_answer"),
    path("api/focus/", candidate_views.api_focus, name="api_focus"),
    path("api/submit/", candidate_views.api_submit, name="api_submit"),
    path("certificate/", certificate_views.candidate_download, name="certificate"),
]

# The public check of a certificate (its QR code), under /verify/.
verify_patterns = [
    path("<str:token>/", certificate_views.verify, name="certificate_verify"),
]

# The proctor board, in the Wagtail admin under /admin/exams/board/.
board_patterns = [
    path("<int:sitting_id>/", proctor_views.BoardView.as_view(), name="board"),
    path("<int:sitting_id>/action/", proctor_views.action, name="action"),
]

# The players' side of the live quiz contest (public, no account), under /play/.
play_patterns = [
    path("", contest_views.play, name="play"),
    path("<str:pin>/", contest_views.join, name="join"),
]
