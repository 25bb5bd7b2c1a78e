import os

ENVIRONMENTS = ("dev", "production", "test")


def use_environment_settings():
    """Point DJANGO_SETTINGS_MODULE at the settings for PUFA_ENV (default: dev).

    An explicit DJANGO_SETTINGS_MODULE wins, so test runners and tools keep control.
    """
    env = os.environ.get("PUFA_ENV", "dev").strip() or "dev"
    if env not in ENVIRONMENTS:
        raise SystemExit(
            f"PUFA_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"pufa.settings.{env}")
