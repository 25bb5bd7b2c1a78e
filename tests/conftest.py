import pytest
from django.conf import settings
from django.core.cache import cache

pytest_plugins = ["tests.support.fixtures"]


def clear_cache():
    """Empty this run's cache only: RedisCache.clear() would FLUSHDB a shared server."""
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{settings.REDIS_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache."""
    clear_cache()
    yield
