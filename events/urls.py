from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("reach/", views.reach_summary, name="reach_summary"),
    path("checkin/<str:code>/", views.checkin, name="checkin"),
]
