from django.urls import path

from quizzes.consumers import ExamConsumer, ProctorConsumer

websocket_urlpatterns = [
    path("ws/exam/", ExamConsumer.as_asgi()),
    path("ws/proctor/<int:sitting_id>/", ProctorConsumer.as_asgi()),
]
