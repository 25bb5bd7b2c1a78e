from django.urls import path

from quizzes.consumers import ExamConsumer, ProctorConsumer
from quizzes.contest_consumers import HostConsumer, PlayerConsumer

websocket_urlpatterns = [
    path("ws/exam/", ExamConsumer.as_asgi()),
    path("ws/proctor/<int:sitting_id>/", ProctorConsumer.as_asgi()),
    path("ws/contest/play/", PlayerConsumer.as_asgi()),
    path("ws/contest/host/<int:contest_id>/", HostConsumer.as_asgi()),
]
