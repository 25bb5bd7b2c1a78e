"""Shared by the benchmarks: a real server, a load tool on loopback, fair comparisons.

The machine is shared and noisy, so every benchmark measures its baseline in the same
run, interleaves the runs (A B A B …) and reports medians and ratios.
"""

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings.dev")

import django  # noqa: E402

django.setup()

from tests.support.servers import LiveSite  # noqa: E402


@contextlib.contextmanager
def demo_server(workers=1):
    """A real uvicorn with the demo data, on a free port of loopback."""
    site = LiveSite(workers=workers).prepare().start()
    try:
        yield site
    finally:
        site.close()


def _wrk(url, seconds, connections):
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def _python_load(url, seconds, connections):
    """Fallback when wrk is missing: keep-alive connections in threads."""
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    counts = [0] * connections
    errors = [0] * connections

    def worker(index):
        connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < deadline:
            connection.request("GET", parts.path or "/")
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                errors[index] += 1
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, sum(errors)


def requests_per_second(url, seconds=5, connections=16):
    """(requests/s, error responses) of one load run against ``url``."""
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections)
    return _python_load(url, seconds, connections)


def interleaved(named_urls, rounds=3, seconds=5, connections=16):
    """Median requests/s per name, the URLs measured in turn (A B A B …)."""
    for url in named_urls.values():  # warm up: templates, caches, connections
        requests_per_second(url, seconds=1, connections=connections)
    samples = {name: [] for name in named_urls}
    errors = dict.fromkeys(named_urls, 0)
    for _round in range(rounds):
        for name, url in named_urls.items():
            rate, failed = requests_per_second(url, seconds, connections)
            samples[name].append(rate)
            errors[name] += failed
    return {
        name: {
            "median": statistics.median(rates),
            "runs": rates,
            "errors": errors[name],
        }
        for name, rates in samples.items()
    }


def print_table(title, results, baseline):
    tool = "wrk" if shutil.which("wrk") else "python threads"
    print(f"{title} (load tool: {tool}, {os.cpu_count()} cores)")
    base = results[baseline]["median"]
    for name, result in results.items():
        runs = ", ".join(f"{rate:.0f}" for rate in result["runs"])
        ratio = result["median"] / base
        print(
            f"  {name:<28} {result['median']:>8.0f} req/s  ratio {ratio:>5.2f}  "
            f"errors {result['errors']}  [{runs}]"
        )
