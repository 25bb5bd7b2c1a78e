from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("laws/", views.law_index, name="law_index"),
    path("laws/<slug:slug>/", views.law_detail, name="law_detail"),
]
