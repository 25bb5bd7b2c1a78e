from django.urls import path

from pufa.consumers import PingConsumer
from quizzes.routing import websocket_urlpatterns as quizzes_sockets

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *quizzes_sockets,
]
