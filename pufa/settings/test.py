"""Tests: the environment's database and Redis if given, isolated per run."""

import tempfile
import uuid
from pathlib import Path

from .dev import *  # noqa: F403
from .dev import CACHES, CHANNEL_LAYERS, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each run gets its own Redis keys and upload folder, so runs never see each other.
RUN_ID = uuid.uuid4().hex[:8]
REDIS_PREFIX = f"pufa-test-{RUN_ID}"
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = REDIS_PREFIX
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"{REDIS_PREFIX}:asgi"
# Background tasks run inline in tests: they call the same task functions.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="pufa-test-media-")
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads in concurrency tests then lock and wait
    # (busy_timeout) as the embedded default does, instead of failing at once.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"pufa-test-{RUN_ID}.sqlite3")
    }
