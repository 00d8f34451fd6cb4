"""Simulcast and audio-only attendance in Chromium (fake camera and microphone) through a real Janus.

The host's camera goes out in several simulcast layers and Janus takes them; the attendee receives
the large layer, then a smaller one when her page steps down, then no video at all when she turns on
"Audio only" (frames decoded stop increasing, audio packets go on, her tiles show initials), and
video again when she turns it off.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures
    asgi_server,
    migrated_sqlite,
    server_var_dir,
    step,
)
from rostrum.media.tests.test_browser_media import media_browser, media_server, received, start_session, wait_for  # noqa: F401 — fixtures
from rostrum.rooms.tests.test_browser_journey import CHROMIUM, CHROMIUM_ARGS, join_by_number

# The host's camera layers that are being sent: [{rid, width, frames}] from its outbound statistics.
SENT_LAYERS = """async () => {
  const camera = document.getElementById("live-app").liveRoom.media.published.get("camera");
  const layers = [];
  if (!camera) return layers;
  for (const report of (await camera.pc.getStats()).values()) {
    if (report.type === "outbound-rtp" && report.kind === "video") {
      layers.push({rid: report.rid || "", width: report.frameWidth || 0, frames: report.framesEncoded || 0});
    }
  }
  return layers;
}"""

# The width of the video the attendee's page decodes now.
RECEIVED_WIDTH = """async () => {
  const receiver = document.getElementById("live-app").liveRoom.media.receiver;
  for (const report of (await receiver.pc.getStats()).values()) {
    if (report.type === "inbound-rtp" && report.kind === "video") return report.frameWidth || 0;
  }
  return 0;
}"""


def frames_steady(page: Page) -> bool:
    """No new video frame decoded across one second."""
    before = received(page)["video"]["frames"]
    page.wait_for_timeout(1000)
    return received(page)["video"]["frames"] == before


def layers_sent(page: Page, minimum_frames: int = 10) -> list[dict]:
    return [layer for layer in page.evaluate(SENT_LAYERS) if layer["frames"] >= minimum_frames]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_simulcast_and_audio_only(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        host, ann = open_page("host"), open_page("ann")

        with step("the host starts the session and Ann is let in"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-room")).to_be_visible()

        with step("the host's camera goes out in simulcast layers and Janus takes them"):
            host.get_by_role("button", name="Start camera and microphone").click()
            expect(host.get_by_role("button", name="Stop camera and microphone")).to_be_visible()
            wait_for(host, lambda: len(layers_sent(host)) >= 2, f"not two layers sent: {host.evaluate(SENT_LAYERS)}")
            answer = host.evaluate(
                "() => document.getElementById('live-app').liveRoom.media.published.get('camera')"
                ".pc.remoteDescription.sdp"
            )
            assert "a=simulcast:recv" in answer, "Janus's answer does not take the simulcast layers"

        with step("Ann receives the largest layer"):
            tile = ann.locator("#live-feeds > li", has_text="Hanna Host")
            expect(tile).to_be_visible()
            wait_for(ann, lambda: received(ann)["video"]["frames"] > 10, "no video frames decoded")
            widest = max(layer["width"] for layer in layers_sent(host))
            wait_for(ann, lambda: ann.evaluate(RECEIVED_WIDTH) == widest, "Ann does not get the largest layer")

        with step("her page steps down to the low layer: smaller pictures, and a note says why"):
            ann.evaluate("() => document.getElementById('live-app').liveRoom.quality.change('low', true)")
            expect(ann.locator("#live-quality-note")).to_have_text("Your connection is weak: showing lower quality.")
            smallest = min(layer["width"] for layer in layers_sent(host))
            wait_for(ann, lambda: ann.evaluate(RECEIVED_WIDTH) == smallest, "Ann does not get the small layer")
            assert smallest < widest

        with step("audio only: her video frames stop while the host's audio goes on"):
            button = ann.get_by_role("button", name="Audio only")
            button.focus()
            ann.keyboard.press("Enter")
            expect(button).to_have_attribute("aria-pressed", "true")
            expect(ann.locator("#live-quality-note")).to_be_hidden()  # her choice, not the connection
            wait_for(ann, lambda: frames_steady(ann), "video frames keep coming in audio-only mode")
            before = received(ann)
            wait_for(
                ann,
                lambda: received(ann)["audio"]["packets"] > before["audio"]["packets"] + 50,
                "the audio stopped too",
            )
            assert received(ann)["video"]["frames"] == before["video"]["frames"]
            expect(tile).to_have_class(re.compile("is-video-off"))
            expect(tile.locator(".live-feed-avatar")).to_have_text("HH")

        with step("video again: frames increase, the initials are gone"):
            button.click()
            expect(button).to_have_attribute("aria-pressed", "false")
            frames = received(ann)["video"]["frames"]
            wait_for(ann, lambda: received(ann)["video"]["frames"] > frames + 10, "no video after audio only")
            expect(tile.locator(".live-feed-avatar")).to_be_hidden()


STATIC = Path(__file__).resolve().parents[2] / "static"

# The page's adaptation, its clock and statistics given: what it asks for after each verdict.
ADAPTATION = """async () => {
  const { Quality, assess } = await import("/static/rostrum/live/quality.js");
  const sent = [];
  const connection = { socket: {}, status: "connected", request: async (type, data) => sent.push([type, data]) };
  const quality = new Quality({ render() {}, connection, media: { receiver: {} } });
  const levels = [];
  const judge = (verdict, seconds) => {
    quality.judge(verdict, seconds * 1000);
    levels.push([seconds, quality.level, quality.lowered]);
  };
  for (const [verdict, seconds] of [["bad", 0], ["bad", 2], ["bad", 4], ["bad", 6]]) judge(verdict, seconds);
  for (let seconds = 8; seconds <= 50; seconds += 2) judge("good", seconds);  // up after 20 s good, twice
  judge("bad", 52); judge("bad", 54);  // the step up did not hold: wait twice as long next time
  for (let seconds = 56; seconds <= 96; seconds += 2) judge("good", seconds);
  quality.sync();
  quality.toggleAudioOnly();
  for (let seconds = 100; seconds <= 400; seconds += 2) judge("good", seconds);
  quality.sync();
  const zero = { frames: 0, videoPackets: 0, videoLost: 0, freezes: 0, audioPackets: 0, audioLost: 0, jitter: 0 };
  const cases = {
    lossy: assess(zero, { ...zero, frames: 50, videoPackets: 900, videoLost: 100, audioPackets: 100 }, "high"),
    frozen: assess(zero, { ...zero, videoPackets: 200, videoLost: 2, audioPackets: 100 }, "low"),
    clean: assess(zero, { ...zero, frames: 60, videoPackets: 300, audioPackets: 100 }, "high"),
    audio_lossy: assess(zero, { ...zero, audioPackets: 90, audioLost: 10 }, "off"),
    audio_clean: assess(zero, { ...zero, audioPackets: 100 }, "off"),
    silent: assess(zero, zero, "off"),
  };
  const reloaded = new Quality({ render() {}, connection, media: { receiver: null } });  // audio only remembered
  const lowered = new Quality({ render() {}, connection, media: { receiver: {} } });
  lowered.toggleAudioOnly();  // back to video, for this origin
  const before = sent.length;
  lowered.lowerFromServer({ type: "media.quality", video: "low", reason: "weak_connection" });
  lowered.sync();  // the server knows already: nothing to send
  const server = { level: lowered.level, lowered: lowered.lowered, sent: sent.length - before };
  return { levels, sent: sent.slice(0, before), cases, reloaded: reloaded.level, server };
}"""


def serve_static(route):
    path = route.request.url.split("rostrum.test", 1)[1]
    if path.startswith("/static/"):
        route.fulfill(path=STATIC / path.removeprefix("/static/"), content_type="text/javascript")
    else:
        route.fulfill(body="<!doctype html><title>quality</title>", content_type="text/html")


@pytest.mark.browser
def test_the_page_steps_down_on_a_weak_connection_and_back_up_once_it_holds():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.route("http://rostrum.test/**", serve_static)
            page.goto("http://rostrum.test/")
            result = page.evaluate(ADAPTATION)
        finally:
            browser.close()
    level = {seconds: (name, lowered) for seconds, name, lowered in result["levels"]}
    assert level[0] == ("high", False), "one bad interval is not enough"
    assert level[2] == ("low", True) and level[6] == ("off", True), "two in a row: one step down, to audio only"
    assert level[26] == ("off", True) and level[28] == ("low", True), "20 s good: one step up"
    assert level[50] == ("high", False)
    assert level[54] == ("low", True)
    assert level[94] == ("low", True) and level[96] == ("high", False), "after a failed step up: 40 s"
    assert {name for seconds, name, _lowered in result["levels"] if seconds >= 100} == {"off"}, "audio only holds"
    assert result["sent"] == [
        ["media.quality", {"video": "high", "allow_audio_only": True}],
        ["media.quality", {"video": "off", "allow_audio_only": True}],
    ]
    assert result["reloaded"] == "off", "audio only outlives a reload"
    assert result["server"] == {"level": "low", "lowered": True, "sent": 0}
    assert result["cases"] == {
        "lossy": "bad",
        "frozen": "bad",
        "clean": "good",
        "audio_lossy": "bad",
        "audio_clean": "good",
        "silent": "unknown",
    }
