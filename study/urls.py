from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    path("study/", views.home, name="home"),
]
