"""The ping consumer through the full ASGI stack, including the Origin check."""

import pytest
from channels.testing import WebsocketCommunicator

from pufa.asgi import application


def communicator(origin):
    headers = [(b"host", b"127.0.0.1:8000")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(application, "/ws/ping/", headers=headers)


@pytest.mark.django_db(transaction=True)
async def test_same_origin_socket_gets_pong():
    socket = communicator("http://127.0.0.1:8000")
    connected, _ = await socket.connect()
    try:
        await socket.send_json_to({"type": "ping", "id": "a1"})
        reply = await socket.receive_json_from()
    finally:
        await socket.disconnect()

    assert connected
    assert reply["type"] == "pong"
    assert reply["id"] == "a1"
    assert isinstance(reply["server_time"], int)


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "http://127.0.0.1.evil.example", "null", None],
)
@pytest.mark.django_db(transaction=True)
async def test_socket_from_a_foreign_or_missing_origin_is_refused(origin):
    socket = communicator(origin)
    connected, _ = await socket.connect()
    await socket.disconnect()

    assert not connected


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ('{"type": "shout"}', "unknown_type"),
        ("[1, 2]", "unknown_type"),
    ],
)
@pytest.mark.django_db(transaction=True)
async def test_malformed_frames_get_an_error_and_the_socket_stays_usable(frame, code):
    socket = communicator("http://127.0.0.1:8000")
    await socket.connect()
    try:
        await socket.send_to(text_data=frame)
        error = await socket.receive_json_from()
        await socket.send_json_to({"type": "ping"})
        pong = await socket.receive_json_from()
    finally:
        await socket.disconnect()

    assert error == {"type": "error", "code": code}
    assert pong["type"] == "pong"
