"""Requests/s of an episode page served to anonymous visitors, against the bare
Django view, in the same run.

The episode page goes through the whole stack a visitor's request takes (uvicorn,
Django's middleware, the anonymous page cache in front of Wagtail's routing and
rendering). The target: at least half the bare view's rate.
"""

from common import demo_server, interleaved, print_table

BARE = "bare Django view (/healthz/)"
EPISODE = "episode page (anonymous)"
TARGET_RATIO = 0.5


def main():
    with demo_server() as site:
        results = interleaved(
            {
                BARE: f"{site.base_url}/healthz/",
                EPISODE: f"{site.base_url}/997/episode-001/",
            }
        )
    print_table("Episode page, one uvicorn worker", results, baseline=BARE)
    ratio = results[EPISODE]["median"] / results[BARE]["median"]
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"  episode/bare ratio {ratio:.2f} ({verdict} the {TARGET_RATIO} target)")


if __name__ == "__main__":
    main()
