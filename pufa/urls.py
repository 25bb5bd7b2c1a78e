from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from pufa import views
from quizzes import urls as quizzes_urls

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("prefs/text/<str:size>/", views.choose_text_size, name="choose_text_size"),
    path(
        "prefs/language/<str:language>/", views.choose_language, name="choose_language"
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("exam/", include((quizzes_urls.exam_patterns, "exam"))),
    path("verify/", include(quizzes_urls.verify_patterns)),
    path("play/", include((quizzes_urls.play_patterns, "contest"))),
    path("", include("cms.urls")),
    path("", include("events.urls")),
    path("", include("study.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
