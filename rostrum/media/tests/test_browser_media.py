"""Audio and video in real browsers through a real Janus: Debian's Chromium with its fake camera and
microphone, the app's uvicorn and Janus as ``scripts/run`` starts them.

A webinar: the host's camera reaches an attendee (frames decoded, a picture that is not black);
the host gives the attendee the floor for the microphone and hears her; takes it back and her
feed is gone, on the media server as in both pages.
"""

import re
import secrets
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, expect

from conftest import free_port
from rostrum.core.testing.servers import browser_pages, start_session
from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures
    asgi_server,
    migrated_sqlite,
    server_var_dir,
    step,
)
from rostrum.rooms.tests.test_browser_journey import join_by_number

MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",  # a test pattern and a beep instead of a camera and a microphone
    "--use-fake-ui-for-media-stream",  # permission granted without a prompt
    "--autoplay-policy=no-user-gesture-required",
]

# The statistics of a page's receiving peer connection, summed per kind.
RECEIVED = """async () => {
  const receiver = document.getElementById("live-app").liveRoom.media.receiver;
  const totals = {video: {frames: 0}, audio: {packets: 0, energy: 0}};
  if (!receiver) return totals;
  for (const report of (await receiver.pc.getStats()).values()) {
    if (report.type !== "inbound-rtp") continue;
    if (report.kind === "video") totals.video.frames += report.framesDecoded || 0;
    if (report.kind === "audio") {
      totals.audio.packets += report.packetsReceived || 0;
      totals.audio.energy += report.totalAudioEnergy || 0;
    }
  }
  return totals;
}"""

# How bright the picture of the first video in the stage is (0 black .. 255 white), drawn on a canvas.
BRIGHTNESS = """(video) => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 36;
  const context = canvas.getContext("2d");
  context.drawImage(video, 0, 0, 64, 36);
  const pixels = context.getImageData(0, 0, 64, 36).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
  return sum / (pixels.length / 4) / 3;
}"""


def received(page: Page) -> dict:
    return page.evaluate(RECEIVED)


def wait_for(page: Page, condition, message, timeout_ms: int = 20_000):
    """Poll ``condition()`` (in Python, between waits in the page) until it is true. ``message`` may be
    a callable, called at the failure, to say what things were like then."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, message() if callable(message) else message
        page.wait_for_timeout(250)
        waited += 250


@contextmanager
def media_browser(*extra_args: str):
    """Chromium with its fake camera and microphone. Yields ``open_page(name)``: a page in a context
    of its own (another person). A script error in any page fails the test at the end."""
    with browser_pages(*MEDIA_ARGS, *extra_args, timeout_ms=20_000) as pages:
        yield pages.open


@pytest.fixture
def media_server(tmp_path, monkeypatch):
    """A Janus of this test's own, that the app's server (asgi_server) will control.

    Not the session's ``janus_node``: each test's server has a secret key of its own, and its
    sessions are numbered from 1 again, so a room left there by an earlier test would have the same
    number and another secret (Janus answers "wrong secret" to the new server's mutes).
    """
    from rostrum.media.process import JanusProcess

    with JanusProcess(tmp_path / "janus", secrets.token_hex(16), free_port()) as node:
        monkeypatch.setenv("ROSTRUM_JANUS_URLS", node.url)
        monkeypatch.setenv("ROSTRUM_JANUS_API_SECRET", node.api_secret)
        yield node


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_webinar_with_camera_and_the_floor(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        host, ann = open_page("host"), open_page("ann")

        with step("the host starts the session and Ann is let in"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-room")).to_be_visible()
            expect(ann.get_by_text("Nobody is on camera yet.")).to_be_visible()
            expect(ann.get_by_role("button", name="Start camera and microphone")).to_be_hidden()

        with step("the host's camera plays in Ann's page: frames decoded, not a black picture"):
            host.get_by_role("button", name="Start camera and microphone").click()
            expect(host.get_by_role("button", name="Stop camera and microphone")).to_have_attribute(
                "aria-pressed", "true"
            )
            tile = ann.locator("#live-feeds > li", has_text="Hanna Host")
            expect(tile).to_be_visible()
            wait_for(ann, lambda: received(ann)["video"]["frames"] > 10, "no video frames decoded")
            video = tile.locator("video")
            wait_for(ann, lambda: video.evaluate("v => v.readyState") >= 2, "the video does not play")
            assert video.evaluate(BRIGHTNESS) > 20, "the picture is black"
            wait_for(ann, lambda: received(ann)["audio"]["packets"] > 10, "no audio from the host")

        with step("the host gives Ann the floor for her microphone and hears her"):
            host.get_by_role("button", name="Give the floor (microphone): Ann Attendee").click()
            expect(host.locator("#live-people-list")).to_contain_text("has the floor")
            ann.get_by_role("button", name="Start microphone").click()
            expect(ann.get_by_role("button", name="Stop camera and microphone")).to_be_visible()
            expect(host.locator("#live-feeds > li", has_text="Ann Attendee")).to_contain_text("audio only")
            wait_for(host, lambda: received(host)["audio"]["energy"] > 0, "the host hears nothing from Ann")

        with step("the host takes the floor back: Ann's feed is gone, and she cannot start it again"):
            host.get_by_role("button", name="Take the floor back: Ann Attendee").click()
            expect(host.locator("#live-feeds > li", has_text="Ann Attendee")).to_have_count(0)
            expect(ann.locator("#live-media-message")).to_have_text(
                "Your camera or screen was stopped by the organiser."
            )
            expect(ann.get_by_role("button", name=re.compile("microphone"))).to_be_hidden()


def remote_videos_playing(page: Page) -> int:
    """How many videos of other people in this page have decoded frames and a picture that is not black."""
    return page.evaluate(
        """(brightness) => {
          const room = document.getElementById("live-app").liveRoom;
          const mine = new Set([...room.media.published.values()].map((p) => p.feedId));
          const measure = new Function("video", "return (" + brightness + ")(video)");
          return [...document.querySelectorAll("#live-feeds video")].filter((video) =>
            !mine.has(Number(video.dataset.feedId)) && video.readyState >= 2 &&
            video.getVideoPlaybackQuality().totalVideoFrames > 0 && measure(video) > 20).length;
        }""",
        BRIGHTNESS,
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", ["seed_meeting"], indirect=True)
def test_a_meeting_of_three_where_everyone_sees_everyone(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        pages = {name: open_page(name) for name in ("host", "ann", "bob")}
        host = pages["host"]

        with step("the host starts the meeting; Ann and Bob join by number"):
            start_session(host, base_url, room)
            for name, person in (("ann", "Ann Attendee"), ("bob", "Bob Attendee")):
                join_by_number(pages[name], base_url, room["number"], person)
                expect(pages[name].locator("#live-room")).to_be_visible()

        with step("everyone turns on camera and microphone, as anyone may in a meeting"):
            for page in pages.values():
                page.get_by_role("button", name="Start camera and microphone").click()
                expect(page.get_by_role("button", name="Stop camera and microphone")).to_be_visible()

        with step("each of the three sees the two others' video playing"):
            for name, page in pages.items():
                expect(page.locator("#live-feeds > li")).to_have_count(3)
                both = lambda page=page: remote_videos_playing(page) == 2  # noqa: E731
                wait_for(page, both, f"{name} does not see both others")
