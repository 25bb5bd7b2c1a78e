"""Imported first by the live benchmarks (exam, contest): production's stack,
PostgreSQL and the Redis channel layer, unless the environment names others; then
Django is set up (``common``).

DATABASE_URL only names the PostgreSQL server to use: each benchmark's server gets
a database of its own.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")

import common  # noqa: F401  (sets Django up, as every benchmark does)
