"""What organisers enforce on the media server, seen from real browsers: Chromium with its fake
camera, microphone and screen, the app's uvicorn and a real Janus.

A webinar: the host's screen share reaches an attendee (frames decoded, a picture that is not
black); an attendee given the floor is muted by the host and nobody hears her any more, however
her page goes on sending; with the floor taken back, a raw ``media.publish`` frame sent from her
page's own socket is refused and publishes nothing.
"""

import pytest
from playwright.sync_api import Page, expect

from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures
    asgi_server,
    migrated_sqlite,
    server_var_dir,
    step,
)
from rostrum.media.tests.test_browser_media import (  # noqa: F401 — fixtures
    BRIGHTNESS,
    media_browser,
    media_server,
    received,
    start_session,
    wait_for,
)
from rostrum.rooms.tests.test_browser_journey import join_by_number

# Chromium's fake screen capture: no picker, the whole (fake) screen.
SCREEN_ARGS = ["--auto-select-desktop-capture-source=Entire screen", "--enable-usermedia-screen-capturing"]

# What the receiving connection gets from one feed, by the server's stream map (mid -> feed).
FEED_AUDIO = """async (feedId) => {
  const receiver = document.getElementById("live-app").liveRoom.media.receiver;
  if (!receiver) return {packets: 0};
  const mids = new Set(receiver.streams.filter((s) => s.feed_id === feedId).map((s) => String(s.mid)));
  let packets = 0;
  for (const report of (await receiver.pc.getStats()).values()) {
    if (report.type === "inbound-rtp" && report.kind === "audio" && mids.has(String(report.mid))) {
      packets += report.packetsReceived || 0;
    }
  }
  return {packets};
}"""

# Ann's page, bypassing its own buttons: a fresh offer from her microphone sent as a raw frame.
RAW_PUBLISH = """async () => {
  const room = document.getElementById("live-app").liveRoom;
  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTransceiver(track, {direction: "sendonly"});
  const offer = await pc.createOffer();
  try {
    await room.connection.request("media.publish", {kind: "camera", jsep: {type: offer.type, sdp: offer.sdp}});
    return "accepted";
  } catch (error) {
    return error.code;
  } finally {
    stream.getTracks().forEach((track) => track.stop());
    pc.close();
  }
}"""


def feed_of(page: Page, name: str, kind: str = "camera") -> int | None:
    return page.evaluate(
        """([name, kind]) => {
          const feed = document.getElementById("live-app").liveRoom.state.media.feeds
            .find((f) => f.name === name && f.kind === kind);
          return feed ? feed.feed_id : null;
        }""",
        [name, kind],
    )


def audio_packets_from(page: Page, feed_id: int) -> int:
    return page.evaluate(FEED_AUDIO, feed_id)["packets"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screen_share_mute_and_a_raw_publish_without_the_floor(media_server, asgi_server):  # noqa: F811
    base_url, room = asgi_server
    with media_browser(*SCREEN_ARGS) as open_page:
        host, ann, bob = open_page("host"), open_page("ann"), open_page("bob")

        with step("the host starts the webinar; Ann and Bob are let in"):
            start_session(host, base_url, room)
            for page, person in ((ann, "Ann Attendee"), (bob, "Bob Attendee")):
                join_by_number(page, base_url, room["number"], person)
                expect(page.locator("#live-room")).to_be_visible()

        with step("the host shares a screen and it plays in Bob's page, not black"):
            host.locator("#live-screen").click()
            expect(host.locator("#live-screen")).to_have_attribute("aria-pressed", "true")
            wait_for(bob, lambda: feed_of(bob, "Hanna Host", "screen") is not None, "no screen feed at Bob's")
            screen_feed = feed_of(bob, "Hanna Host", "screen")
            video = bob.locator(f'#live-feeds video[data-feed-id="{screen_feed}"]')
            expect(video).to_have_count(1)
            wait_for(bob, lambda: received(bob)["video"]["frames"] > 10, "no frames of the screen decoded")
            wait_for(bob, lambda: video.evaluate("v => v.readyState") >= 2, "the screen does not play")
            assert video.evaluate(BRIGHTNESS) > 20, "the shared screen is black"

        with step("Ann gets the floor for her microphone; Bob hears her"):
            host.get_by_role("button", name="Give the floor (microphone): Ann Attendee").click()
            ann.get_by_role("button", name="Start microphone").click()
            wait_for(bob, lambda: feed_of(bob, "Ann Attendee") is not None, "Ann's feed never reached Bob")
            ann_feed = feed_of(bob, "Ann Attendee")
            wait_for(bob, lambda: audio_packets_from(bob, ann_feed) > 20, "Bob receives no audio from Ann")

        with step("the host mutes Ann: Bob gets no more audio from her, though her page still sends"):
            host.get_by_role("button", name="Mute microphone: Ann Attendee").click()
            expect(ann.locator("#live-media-note")).to_be_visible()
            host.wait_for_timeout(1_000)  # packets already on their way drain
            before = audio_packets_from(bob, ann_feed)
            sending = ann.evaluate(
                """() => [...document.getElementById("live-app").liveRoom.media.published.values()]
                  .some((p) => p.stream.getAudioTracks().some((t) => t.readyState === "live" && t.enabled))"""
            )
            assert sending, "Ann's page should still be sending: the mute is the server's, not her page's"
            host.wait_for_timeout(3_000)
            assert audio_packets_from(bob, ann_feed) - before <= 2, "Bob still receives Ann's audio"

        with step("the host takes the floor back; Ann's own raw publish frame is refused"):
            host.get_by_role("button", name="Take the floor back: Ann Attendee").click()
            expect(host.locator("#live-feeds > li", has_text="Ann Attendee")).to_have_count(0)
            assert ann.evaluate(RAW_PUBLISH) == "not_allowed"
            host.wait_for_timeout(1_000)
            assert feed_of(host, "Ann Attendee") is None, "a feed of Ann appeared without the floor"
            assert feed_of(bob, "Ann Attendee") is None
