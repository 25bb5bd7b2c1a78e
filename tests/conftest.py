import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

pytest_plugins = ["tests.support.fixtures"]


def clear_cache():
    """Empty this run's cache only: RedisCache.clear() would FLUSHDB a shared server.
    The exam's per-process hints go too (ids are reused between tests)."""
    from quizzes.services.exams import forget_local_memory

    forget_local_memory()
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{settings.REDIS_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _answers_in_threads(settings):
    """In-process tests run each on an event loop of its own, which would leave
    one connection pool per test behind: answers take the thread path here.
    tests/quizzes/test_answer_loop.py (and every live server) runs the loop."""
    settings.EXAM_ANSWERS_ON_LOOP = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache."""
    clear_cache()
    yield


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once for a module of tests that only read it.

    It is loaded inside a transaction that stays open for the module: each test's
    own transaction becomes a savepoint within it, and the whole is rolled back after
    the module. (Loading the demo takes long; once per module instead of per test.)
    Use with the ``db`` fixture (not transactional tests).
    """
    # The cache may hold what an earlier module's rolled-back rows left (paper
    # shapes by id, and SQLite reuses the ids): the per-test clear runs too late.
    clear_cache()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
