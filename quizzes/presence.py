"""Which candidates have a socket open now, across worker processes.

Kept in the shared cache (Redis in production), never in a consumer: a board
served by one worker must see candidates connected to another. Each candidate's
entry maps its open sockets to an expiry; a socket refreshes its own on every
ping, so the sockets of a worker that died drop out after ``PRESENCE_TTL``.

Two sockets of one candidate changing the entry at the same instant (a takeover)
may lose one write; the next ping restores it. Presence is shown, never counted.
"""

import time

from django.core.cache import cache

# Clients ping every 25 s; three missed pings mean the socket is gone.
PRESENCE_TTL = 80


def _key(candidate_id):
    return f"exam:presence:{candidate_id}"


def _alive(entry, now):
    return {socket: until for socket, until in (entry or {}).items() if until > now}


def socket_seen(candidate_id, socket_id):
    """The socket is open (called on connect and on each ping)."""
    now = time.time()
    sockets = _alive(cache.get(_key(candidate_id)), now)
    sockets[socket_id] = now + PRESENCE_TTL
    cache.set(_key(candidate_id), sockets, PRESENCE_TTL)


def socket_closed(candidate_id, socket_id):
    """Forget the socket; True if the candidate still has another one open."""
    sockets = _alive(cache.get(_key(candidate_id)), time.time())
    sockets.pop(socket_id, None)
    if sockets:
        cache.set(_key(candidate_id), sockets, PRESENCE_TTL)
    else:
        cache.delete(_key(candidate_id))
    return bool(sockets)


def online(candidate_ids):
    """The ids among ``candidate_ids`` with a socket open."""
    now = time.time()
    entries = cache.get_many([_key(pk) for pk in candidate_ids])
    return {pk for pk in candidate_ids if _alive(entries.get(_key(pk)), now) != {}}
