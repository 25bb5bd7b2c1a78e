"""Settings come from the environment; none set gives the embedded default."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.support.servers import production_environment

PRINT_SETTINGS = """
import json, django
from django.conf import settings

from tests.support.servers import production_environment
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "session_secure": getattr(settings, "SESSION_COOKIE_SECURE", False),
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "proxy_header": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "time_zone": settings.TIME_ZONE,
    "language": settings.LANGUAGE_CODE,
    "media_root": str(settings.MEDIA_ROOT),
}))
"""

PRODUCTION = production_environment()


def run_python(code, env, *args):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "PUFA_ENV",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
        }
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args] if args else [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(env):
    code = "from pufa import use_environment_settings; use_environment_settings()\n"
    result = run_python(code + PRINT_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_nothing_set_gives_the_embedded_default():
    values = settings_under({})

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["layer"] == "channels.layers.InMemoryChannelLayer"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["debug"] is True
    assert values["media_root"] == str(settings.BASE_DIR / "media")
    assert values["time_zone"] == "Asia/Shanghai"
    assert values["language"] == "zh-hans"


def test_database_and_redis_urls_switch_to_postgres_and_redis():
    values = settings_under(
        {
            "DATABASE_URL": "postgres://pufa@db.internal:5432/pufa",
            "REDIS_URL": "redis://cache.internal:6379/0",
        }
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["layer"] == "channels_redis.core.RedisChannelLayer"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_mode_is_hardened():
    values = settings_under(PRODUCTION)

    assert values["debug"] is False
    assert values["session_secure"] is True
    assert values["ssl_redirect"] is True
    assert values["hsts"] >= 31536000
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "IDENTITY_HASH_KEY"]
)
def test_production_mode_refuses_to_start_without_its_secrets(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    code = "from pufa import use_environment_settings; use_environment_settings()\n"

    result = run_python(code + PRINT_SETTINGS, env)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    """Acceptance 3: `manage.py check --deploy --fail-level WARNING` exits 0."""
    result = run_python(
        "", PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
