"""Presence on the proctor board comes from the shared cache, so a board served by
one worker sees sockets held by another; sockets of a dead worker expire."""

import time

import time_machine

from quizzes import presence


def test_a_candidate_is_online_while_any_socket_is_open():
    presence.socket_seen(1, "worker-a.socket-1")
    presence.socket_seen(1, "worker-b.socket-2")  # another device, another worker
    presence.socket_seen(2, "worker-a.socket-3")
    assert presence.online([1, 2, 3]) == {1, 2}
    assert presence.socket_closed(1, "worker-a.socket-1") is True
    assert presence.online([1]) == {1}
    assert presence.socket_closed(1, "worker-b.socket-2") is False
    assert presence.online([1, 2]) == {2}


def test_sockets_that_stop_pinging_expire():
    with time_machine.travel(time.time(), tick=False) as clock:
        presence.socket_seen(7, "dead-worker.socket")
        presence.socket_seen(7, "live-worker.socket")
        clock.shift(presence.PRESENCE_TTL / 2)
        presence.socket_seen(7, "live-worker.socket")  # a ping
        clock.shift(presence.PRESENCE_TTL / 2 + 1)
        assert presence.online([7]) == {7}
        # The dead worker's socket is gone: closing the live one leaves none.
        assert presence.socket_closed(7, "live-worker.socket") is False
        assert presence.online([7]) == set()
