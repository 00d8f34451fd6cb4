"""The room's layouts, the speaking indicator and the choice of devices, in real browsers through a
real Janus (Debian's Chromium with its fake devices: a test pattern, and a microphone that beeps
twice a second).

- The lobby's test: the devices listed, a preview that plays, a level meter that moves; the
  chosen microphone is remembered across a reload and is the one the camera feed then uses.
- A meeting of three: the speaking indicator lights on those whose microphone is on, never on the
  one who muted hers; the speaker layout shows the pinned person, then the active speaker, large; a
  screen share is large in every layout; leaving and coming back.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures
    asgi_server,
    migrated_sqlite,
    server_var_dir,
    step,
)
from rostrum.media.tests.test_browser_media import BRIGHTNESS, media_browser, media_server, start_session, wait_for  # noqa: F401 — fixtures
from rostrum.rooms.tests.test_browser_journey import join_by_number

# Chromium's fake microphones; the first is the default.
SECOND_MICROPHONE = "Fake Audio Input 2"

PUBLISHED_MICROPHONE = """() => {
  const room = document.getElementById("live-app").liveRoom;
  const track = room.media.published.get("camera")?.stream.getAudioTracks()[0];
  return track ? track.label : null;
}"""


def tile(page: Page, name: str):
    return page.locator("#live-feeds > li", has_text=name)


def is_speaking(page: Page, name: str) -> bool:
    return tile(page, name).evaluate("node => node.classList.contains('is-speaking')")


MAIN = re.compile(r"\bis-main\b")


def width(locator) -> float:
    return locator.evaluate("node => node.getBoundingClientRect().width")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", ["seed_meeting"], indirect=True)
def test_testing_and_choosing_devices_in_the_lobby(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        ann = open_page("ann")
        microphone = ann.get_by_label("Microphone", exact=True)

        with step("in the lobby, Ann tests her camera and microphone: devices listed, preview, meter"):
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-waiting")).to_be_visible()
            ann.get_by_role("button", name="Test camera and microphone").click()
            expect(ann.get_by_role("button", name="Stop the test")).to_have_attribute("aria-expanded", "true")
            expect(microphone.locator("option", has_text=SECOND_MICROPHONE)).to_have_count(1)
            expect(ann.get_by_label("Camera", exact=True).locator("option")).not_to_have_count(0)
            preview = ann.get_by_label("Your camera's picture")
            wait_for(ann, lambda: preview.evaluate("v => v.readyState") >= 2, "the preview does not play")
            assert preview.evaluate(BRIGHTNESS) > 20, "the preview is black"
            meter = ann.get_by_label("Microphone level")
            levels: set[float] = set()
            moving = lambda: levels.add(meter.evaluate("m => m.value")) or len(levels) >= 3  # noqa: E731
            wait_for(ann, moving, "the microphone level does not move")
            assert max(levels) > 0.05, f"the meter stays low: {levels}"

        with step("she picks another microphone; it is remembered across a reload"):
            microphone.select_option(label=SECOND_MICROPHONE)
            ann.reload()
            expect(ann.locator("#live-waiting")).to_be_visible()
            ann.get_by_role("button", name="Test camera and microphone").click()
            expect(microphone.locator("option:checked")).to_have_text(SECOND_MICROPHONE)
            track = "() => document.getElementById('live-test-video').srcObject?.getAudioTracks()[0].label"
            wait_for(ann, lambda: ann.evaluate(track) == SECOND_MICROPHONE, "the test uses another microphone")

        with step("entering the room ends the test; going on camera uses the chosen microphone"):
            host = open_page("host")
            start_session(host, base_url, room)
            expect(ann.locator("#live-room")).to_be_visible()
            assert ann.evaluate("() => document.getElementById('live-test-video').srcObject") is None
            ann.get_by_role("button", name="Start camera and microphone").click()
            expect(ann.get_by_role("button", name="Stop camera and microphone")).to_be_visible()
            assert ann.evaluate(PUBLISHED_MICROPHONE) == SECOND_MICROPHONE

        with step("switching the microphone while live replaces the track without a new offer"):
            ann.locator("#live-devices > summary").click()
            microphone.select_option(label="Fake Audio Input 1")
            wait_for(ann, lambda: ann.evaluate(PUBLISHED_MICROPHONE) == "Fake Audio Input 1", "not switched")
            sender_track = """() => {
              const mine = document.getElementById("live-app").liveRoom.media.published.get("camera");
              return mine.pc.getSenders().find((s) => s.track?.kind === "audio").track.label;
            }"""
            assert ann.evaluate(sender_track) == "Fake Audio Input 1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", ["seed_meeting"], indirect=True)
def test_speaking_indicator_and_layouts_in_a_meeting(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        host, ann, bob = (open_page(name) for name in ("host", "ann", "bob"))

        with step("three people on camera; Bob mutes his microphone"):
            start_session(host, base_url, room)
            for page, person in ((ann, "Ann Attendee"), (bob, "Bob Attendee")):
                join_by_number(page, base_url, room["number"], person)
                expect(page.locator("#live-room")).to_be_visible()
            for page in (host, ann, bob):
                page.get_by_role("button", name="Start camera and microphone").click()
                expect(page.get_by_role("button", name="Stop camera and microphone")).to_be_visible()
            for page in (host, ann, bob):
                expect(page.locator("#live-feeds > li")).to_have_count(3)
            mute = bob.get_by_role("button", name="Mute my microphone")
            mute.click()
            expect(mute).to_have_attribute("aria-pressed", "true")

        with step("the host sees Ann speaking, and never Bob, whose audio arrives silent"):
            wait_for(host, lambda: is_speaking(host, "Ann Attendee"), "Ann is not shown speaking")
            expect(tile(host, "Ann Attendee").locator(".live-feed-speaking")).to_have_text("speaking")
            # Bob's packets flow (his microphone is off, not his feed) and the host measures them.
            measured = """() => {
              const room = document.getElementById("live-app").liveRoom;
              const bob = room.state.media.feeds.find((feed) => feed.name === "Bob Attendee");
              return room.speaking.previous.has(bob.feed_id);
            }"""
            wait_for(host, lambda: host.evaluate(measured), "the host does not measure Bob's feed")
            # What he said before muting may still be playing out (the fake microphone beeps every
            # second, and a loaded machine delays the play-out): from two quiet seconds in a row on.
            quiet = {"polls": 0}

            def quiet_for_two_seconds() -> bool:
                quiet["polls"] = 0 if is_speaking(host, "Bob Attendee") else quiet["polls"] + 1
                return quiet["polls"] >= 8

            wait_for(host, quiet_for_two_seconds, "Bob never goes quiet", 30_000)
            seen_bob_speaking = False
            for _ in range(12):  # several polls while Ann's beeps light her tile
                host.wait_for_timeout(250)
                seen_bob_speaking |= is_speaking(host, "Bob Attendee")
            assert not seen_bob_speaking, "Bob is shown speaking with his microphone off"

        with step("the speaker layout: a pinned person is large, then the active speaker"):
            host.get_by_role("button", name="Speaker").click()
            expect(host.get_by_role("button", name="Speaker")).to_have_attribute("aria-pressed", "true")
            host.get_by_role("button", name="Pin Bob Attendee").click()
            expect(tile(host, "Bob Attendee")).to_have_class(MAIN)
            assert width(tile(host, "Bob Attendee")) > 2 * width(tile(host, "Ann Attendee"))
            host.get_by_role("button", name="Pin Bob Attendee").click()  # unpinned
            expect(tile(host, "Ann Attendee")).to_have_class(MAIN)
            assert width(tile(host, "Ann Attendee")) > 2 * width(tile(host, "Bob Attendee"))

        with step("a screen share is large in the grid layout too"):
            expect(ann.get_by_role("button", name="Grid")).to_have_attribute("aria-pressed", "true")
            host.get_by_role("button", name="Share screen").click()
            screen = tile(ann, "Hanna Host: screen")
            expect(screen).to_have_class(MAIN)
            assert width(screen) > 2 * width(tile(ann, "Bob Attendee"))

        with step("Bob leaves and comes back"):
            bob.get_by_role("button", name="Leave").click()
            expect(bob.get_by_role("heading", name="You left the session")).to_be_focused()
            expect(tile(host, "Bob Attendee")).to_have_count(0)
            bob.get_by_role("button", name="Return to the session").click()
            expect(bob.locator("#live-room")).to_be_visible()
            expect(tile(bob, "Hanna Host")).to_have_count(2)  # her camera and her screen

        with step("the host's choice of layout is remembered across a reload"):
            host.reload()
            expect(host.get_by_role("button", name="Speaker")).to_have_attribute("aria-pressed", "true")
