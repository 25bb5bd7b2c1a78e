"""Development: the embedded default when nothing is configured."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# No collectstatic needed while developing: whitenoise looks in the apps' folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Demo passwords are printed only here, in the embedded default.
PUFA_PRINT_DEMO_PASSWORDS = True
