"""Real server processes for tests that must cross a real socket.

``LiveSite`` prepares its own database (a temporary SQLite file, or a temporary
PostgreSQL database when the suite runs on PostgreSQL), runs ``migrate`` and
``load_demo`` exactly as ``make run`` does, and starts uvicorn on a free port.
"""

import atexit
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.request import urlopen

import dj_database_url
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def production_environment(**overrides):
    """The variables production mode requires, with throwaway secrets."""
    env = {
        "PUFA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "IDENTITY_HASH_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "pufa.example.cn,127.0.0.1",
        "BASE_URL": "https://pufa.example.cn",
    }
    env.update(overrides)
    return env


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def execute_admin(sql):
    """Run ``sql`` on the maintenance database of DATABASE_URL's PostgreSQL server
    (CREATE/DROP DATABASE cannot run inside a database being created or dropped)."""
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql)


# Migrated databases kept for the rest of the test run: migrating a new database
# takes a minute; copying one takes a moment. Dropped when the run ends.
_TEMPLATES = {}
_TEMPLATE_OUTPUTS = {}


@atexit.register
def _drop_templates():
    for template in _TEMPLATES.values():
        if isinstance(template, Path):
            shutil.rmtree(template.parent, ignore_errors=True)
        else:
            with contextlib.suppress(Exception):
                execute_admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


class TemporaryDatabase:
    """A database of its own for a server process, dropped afterwards."""

    def __init__(self):
        self.workdir = Path(tempfile.mkdtemp(prefix="pufa-live-"))
        source = os.environ.get("DATABASE_URL", "")
        self.postgres = source.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            self.name = f"pufa_live_{uuid.uuid4().hex[:10]}"
            self._execute(f'CREATE DATABASE "{self.name}"')
            self.url = source.rsplit("/", 1)[0] + f"/{self.name}"
        else:
            self.path = self.workdir / "live.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def save_as_template(self, key):
        """Keep a copy of this (freshly migrated) database for ``clone_template``."""
        if self.postgres:
            name = f"pufa_tmpl_{uuid.uuid4().hex[:10]}"
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            _TEMPLATES[key] = name
        else:
            copy = Path(tempfile.mkdtemp(prefix="pufa-tmpl-")) / "template.sqlite3"
            shutil.copyfile(self.path, copy)
            _TEMPLATES[key] = copy

    def clone_template(self, key):
        """Replace this database by a copy of the template ``key``; False if none."""
        template = _TEMPLATES.get(key)
        if template is None:
            return False
        if self.postgres:
            self._execute(f'DROP DATABASE "{self.name}"')
            self._execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
        else:
            shutil.copyfile(template, self.path)
        return True

    def _execute(self, sql):
        execute_admin(sql)

    def drop(self):
        if self.postgres:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.workdir, ignore_errors=True)


class LiveSite:
    """pufa served by real uvicorn worker processes on a free port."""

    def __init__(self, workers=1, extra_env=None):
        self.database = TemporaryDatabase()
        self.port = free_port()
        self.workers = workers
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.env = self._environment(extra_env or {})
        self.process = None
        self.demo_output = ""
        self.log_path = self.database.workdir / "server.log"

    def _environment(self, extra_env):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "PUFA_ENV"}
        }
        env.update(
            PUFA_ENV="dev",
            DEBUG="false",
            DATABASE_URL=self.database.url,
            MEDIA_ROOT=str(self.database.workdir / "media"),
            BASE_URL=self.base_url,
            REDIS_PREFIX=f"pufa-live-{uuid.uuid4().hex[:8]}",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra_env)
        return env

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def prepare(self, demo=True):
        """Migrate (and load the demo) as ``make run`` does; later sites of the same
        test run copy the first one's database instead."""
        key = "demo" if demo else "empty"
        if self.database.clone_template(key):
            self.demo_output = _TEMPLATE_OUTPUTS.get(key, "")
            return self
        self.manage("migrate", "--noinput")
        if demo:
            self.demo_output = self.manage("load_demo")
        self.database.save_as_template(key)
        _TEMPLATE_OUTPUTS[key] = self.demo_output
        return self

    def run_module(self, module, *args, timeout=600):
        """Run ``python -m module args`` against this site's database; its stdout."""
        result = subprocess.run(
            [sys.executable, "-m", module, *map(str, args)],
            cwd=BASE_DIR,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "pufa.settings.dev"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"{module} failed:\n{result.stderr}")
        return result.stdout

    def channel_layer(self):
        """The site's Redis channel layer, seen from this process (to broadcast to
        the site's sockets through the same fan-out path as its own code)."""
        from channels_redis.core import RedisChannelLayer

        return RedisChannelLayer(
            hosts=[{"address": self.env["REDIS_URL"], "socket_timeout": None}],
            prefix=f"{self.env['REDIS_PREFIX']}:asgi",
        )

    def worker_pids(self):
        """The uvicorn worker processes under the supervisor (multi-worker mode)."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        workers = []
        for pid in children:  # not multiprocessing's resource tracker
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"resource_tracker" not in command:
                    workers.append(int(pid))
        return workers

    def kill_busiest_worker(self):
        """kill -9 the worker holding the most sockets (the clients' connections);
        its pid, or None when there is none."""

        def socket_count(pid):
            with contextlib.suppress(OSError):
                fds = Path(f"/proc/{pid}/fd")
                return sum(
                    os.readlink(fd).startswith("socket:") for fd in fds.iterdir()
                )
            return 0

        workers = sorted(self.worker_pids(), key=socket_count, reverse=True)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                return pid
        return None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "pufa.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--lifespan",
            "on",
            "--ws-max-size",
            "65536",
            "--ws-per-message-deflate",
            "false",
        ]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited at start:\n{self.log()}")
            try:
                with urlopen(f"{self.base_url}/healthz/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(
            f"The server did not answer within {timeout}s:\n{self.log()}"
        )

    def log(self):
        return (
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def close(self):
        self.stop()
        self.database.drop()

    def demo_password(self, username):
        """The password load_demo printed for a demo user."""
        match = re.search(
            rf"^\s*{re.escape(username)}\s+(\S+)", self.demo_output, re.MULTILINE
        )
        if not match:
            raise AssertionError(f"load_demo printed no password for {username}")
        return match.group(1)


class RedisServer:
    """A private redis-server on a free port (nothing kept on disk), so tests of the
    Redis channel layer need no shared server and leave nothing behind."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self, timeout=15):
        if not self.binary:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxclients",
                "10000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(
                    ("127.0.0.1", self.port), timeout=1
                ) as connection,
            ):
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
