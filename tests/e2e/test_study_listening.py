"""Acceptance 2, the page's side: a signed-in cadre's episode page sends listening
heartbeats only while the recording plays on a visible page — none from a
background tab — and claims the anonymous play so it is not counted twice.
(The server's side of the rule: tests/study/test_listening_rules.py.)"""

import json

import pytest

from cms.services.media import tone_wav_bytes

pytestmark = pytest.mark.e2e

ID_NUMBER = "652701199202021239"
PHONE = "13655502345"

MAKE_CADRE_AND_EPISODE = f"""
import json
from org.services import find_or_create_person
from tests.cms.factories import episode, with_audio

find_or_create_person(
    full_name="收听测试干部", id_number="{ID_NUMBER}", phone="{PHONE}"
)
page = with_audio(episode(number=8801, title="第8801期 收听测试", citations=[]))
print(json.dumps(page.url))
"""


def beats(requests):
    return [
        json.loads(r.post_data)["beat"] for r in requests if "/study/listen/" in r.url
    ]


def hide(page, hidden=True):
    state = "hidden" if hidden else "visible"
    page.evaluate(
        """state => {
          Object.defineProperty(document, "visibilityState",
            { configurable: true, get: () => state });
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_a_background_tab_sends_no_heartbeats(live_site, phone, screenshot, tmp_path):
    url = json.loads(
        live_site.manage("shell", "-c", MAKE_CADRE_AND_EPISODE).strip().splitlines()[-1]
    )
    base = live_site.base_url
    phone.goto(f"{base}/study/sign-in/")
    phone.get_by_label("身份证号").fill(ID_NUMBER)
    phone.get_by_label("手机号").fill(PHONE)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{base}/study/")

    # In production nginx serves /media/; the test server does not, so the browser
    # is handed a two-minute recording here.
    audio = tmp_path / "episode.wav"
    audio.write_bytes(tone_wav_bytes(seconds=120))
    phone.route(
        "**/media/episodes/**",
        lambda route: route.fulfill(path=str(audio), content_type="audio/wav"),
    )
    sent = []
    phone.on("request", lambda request: sent.append(request))
    # The page's timers run on a clock the test moves: no waiting.
    phone.clock.install()
    phone.goto(f"{base}{url}")
    media = phone.locator(".player__media")
    with phone.expect_request("**/study/listen/"):
        phone.evaluate(
            "() => { const m = document.querySelector('.player__media');"
            " m.muted = true; return m.play(); }"
        )
    phone.get_by_text("已计入学法档案").wait_for()
    assert beats(sent) == ["start"]

    with phone.expect_request("**/study/listen/"):
        phone.clock.run_for(15_000)
    assert beats(sent) == ["start", "tick"]
    screenshot(phone, "study-listening-360")

    # The tab goes to the background while the recording keeps playing.
    with phone.expect_request("**/study/listen/"):
        hide(phone)
    assert beats(sent) == ["start", "tick", "stop"]
    phone.clock.run_for(5 * 60_000)
    assert not media.evaluate("m => m.paused")  # still playing…
    assert beats(sent) == ["start", "tick", "stop"]  # …but nothing was sent

    # Visible again: the clock restarts with a start, then ticks resume.
    with phone.expect_request("**/study/listen/"):
        hide(phone, hidden=False)
    with phone.expect_request("**/study/listen/"):
        phone.clock.run_for(15_000)
    assert beats(sent) == ["start", "tick", "stop", "start", "tick"]

    # Paused: a stop, then silence.
    with phone.expect_request("**/study/listen/"):
        media.evaluate("m => m.pause()")
    phone.clock.run_for(60_000)
    assert beats(sent)[-1] == "stop" and len(beats(sent)) == 6

    # The cadre was counted by name: no anonymous play was sent.
    assert not [r for r in sent if r.url.endswith("/plays/")]
