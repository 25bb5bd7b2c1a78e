"""Requests/s of the home page against a bare Django view, in the same run.

The bare view (/healthz/) returns a fixed string without touching the database: it
is the ceiling of the stack (uvicorn + Django middleware) on this machine. The ratio
home/bare is what the page's own work costs.
"""

from common import demo_server, interleaved, print_table


def main():
    with demo_server() as site:
        results = interleaved(
            {
                "bare Django view (/healthz/)": f"{site.base_url}/healthz/",
                "home page (/)": f"{site.base_url}/",
            }
        )
    print_table(
        "HTTP, one uvicorn worker", results, baseline="bare Django view (/healthz/)"
    )


if __name__ == "__main__":
    main()
