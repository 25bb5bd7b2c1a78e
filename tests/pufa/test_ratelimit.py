import time_machine
from django.test import RequestFactory

from pufa.ratelimit import RateLimit, client_address


def test_the_limit_allows_that_many_attempts_per_window_then_refuses():
    limit = RateLimit("test-login", limit=3, window=60)

    with time_machine.travel(1_700_000_000, tick=False):
        results = [limit.hit("10.0.0.1") for _ in range(5)]
        other = limit.hit("10.0.0.2")

    assert results == [True, True, True, False, False]
    assert other is True


def test_a_new_window_starts_afresh():
    limit = RateLimit("test-window", limit=1, window=60)

    with time_machine.travel(1_700_000_000, tick=False):
        first = [limit.hit("a"), limit.hit("a")]
    with time_machine.travel(1_700_000_061, tick=False):
        later = limit.hit("a")

    assert first == [True, False]
    assert later is True


def test_a_forged_forwarded_header_does_not_change_the_address():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.9.9.9"
    )

    assert client_address(request) == "10.9.9.9"
