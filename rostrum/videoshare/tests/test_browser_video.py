"""A shared video in real browsers: the host plays, pauses and seeks; attendees' players follow.

Same server as test_browser_live_room (uvicorn in a subprocess, Debian's Chromium). The video is
a real H.264/AAC MP4 (ffmpeg testsrc) stored as the library's conversion leaves it, served with
HTTP Range by the access-checked view. YouTube cannot be reached from the tests: its step checks
the iframe's address only (docs/live-room.md, "Video sharing").
"""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from rostrum.core.testing.servers import browser_pages, start_session
from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures used by name
    HOST_EMAIL,
    asgi_server,
    migrated_sqlite,
    screenshots,
    server_var_dir,
    step,
)
from rostrum.rooms.tests.test_browser_journey import join_by_number

SEEDER = "rostrum.videoshare.tests.test_browser_video:seed_video"
SECONDS = 30


def seed_video() -> None:
    """The room of test_browser_live_room, and a converted 30 s video in its account's library."""
    from rostrum.accounts.models import Membership
    from rostrum.live.tests.test_browser_live_room import seed
    from rostrum.videoshare.tests.factories import make_shareable_video

    seed()  # prints the room, which the fixture reads from the last line
    make_shareable_video(Membership.objects.get(user__email=HOST_EMAIL), seconds=SECONDS)


PLAYER = "document.getElementById('live-video-player')"
READ_PLAYER = "{time: v.currentTime, paused: v.paused, muted: v.muted, ready: v.readyState}"


def player(page: Page) -> dict:
    return page.evaluate(f"() => {{ const v = {PLAYER}; return {READ_PLAYER}; }}")


def wait_playing_past(page: Page, seconds: float) -> None:
    page.wait_for_function(f"() => {{ const v = {PLAYER}; return !v.paused && v.currentTime > {seconds}; }}")


def wait_paused_near(page: Page, position: float, tolerance: float = 0.5) -> None:
    near = f"Math.abs(v.currentTime - {position}) <= {tolerance}"
    page.wait_for_function(f"() => {{ const v = {PLAYER}; return v.paused && v.readyState >= 1 && {near}; }}")


def refuse_youtube(context) -> None:
    """No network in tests: YouTube's player is refused at once instead of timing out."""
    context.route("https://www.youtube-nocookie.com/**", lambda route: route.abort())


STATE = "document.getElementById('live-app').liveRoom.state.video"


def shared_state(page: Page) -> dict:
    return page.evaluate(f"() => {STATE}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", [SEEDER], indirect=True)
def test_a_shared_video_plays_in_sync_for_attendees_and_late_joiners(asgi_server, tmp_path):  # noqa: F811 — the fixture
    base_url, room = asgi_server

    with browser_pages(on_context=refuse_youtube) as chromium:
        host, ann, bob = (chromium.open(name) for name in ("host", "ann", "bob"))

        with step("the host enters and starts the session; Ann joins and sees no video panel"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-room")).to_be_visible()
            expect(ann.locator("#live-video-panel")).to_be_hidden()
            expect(ann.get_by_role("button", name="Share a video")).to_have_count(0)

        with step("the host shares the library video; everyone gets it paused at 0:00"):
            host.get_by_role("button", name="Share a video").click()
            expect(host.get_by_role("button", name="Share a video")).to_have_attribute("aria-expanded", "true")
            expect(host.get_by_label("YouTube link")).to_be_visible()
            host.get_by_role("button", name="Product tour.mp4 (0:30)").click()
            expect(host.locator("#live-video-title")).to_have_text("Product tour.mp4")
            expect(host.locator("#live-video-controller-note")).to_have_text("You have control.")
            expect(ann.locator("#live-video-title")).to_have_text("Product tour.mp4")
            expect(ann.locator("#live-video-controller-note")).to_have_text("Presented by Hanna Host")
            expect(ann.locator("#live-video-time")).to_have_text("0:00 of 0:30")
            expect(ann.get_by_role("button", name="Play")).to_have_count(0)
            expect(ann.get_by_label("Position in the video")).to_be_hidden()
            assert ann.evaluate(f"() => {PLAYER}.controls") is False
            ann.wait_for_function(f"() => {PLAYER}.readyState >= 1")

        with step("the host plays and Ann's video plays"):
            host.get_by_role("button", name="Play").click()
            expect(host.get_by_role("button", name="Pause")).to_be_enabled()
            wait_playing_past(ann, 1.0)
            wait_playing_past(host, 1.0)
            expect(ann.locator("#live-video-state")).to_have_text("The video is playing.")
            # Autoplay with sound may be refused for a page the user did not click to play:
            # then it plays muted, with a button to bring the sound back.
            if player(ann)["muted"]:
                unmute = ann.get_by_role("button", name="Click to unmute")
                expect(unmute).to_be_visible()
                unmute.click()
                expect(unmute).to_be_hidden()
                assert player(ann)["muted"] is False
                wait_playing_past(ann, 1.0)
            else:
                expect(ann.get_by_role("button", name="Click to unmute")).to_be_hidden()

        with step("the host pauses; Ann's video stops within 0.5 s of the host's position"):
            host.get_by_role("button", name="Pause").click()
            host.wait_for_function(f"() => {STATE}.playing === false")
            position = shared_state(host)["position"]
            assert 1.0 < position < SECONDS
            wait_paused_near(host, position)
            wait_paused_near(ann, position)
            expect(ann.locator("#live-video-state")).to_contain_text("The video is paused at")

        with step("the host seeks to 7 s with the slider; Ann follows"):
            slider = host.get_by_label("Position in the video")
            expect(slider).to_be_visible()
            slider.fill("7")
            wait_paused_near(ann, 7.0)
            wait_paused_near(host, 7.0)
            expect(ann.locator("#live-video-time")).to_have_text("0:07 of 0:30")

        with step("playing again from 7 s, Bob joins late and starts within 1 s of the host"):
            host.get_by_role("button", name="Play").click()
            wait_playing_past(ann, 7.5)
            host.wait_for_timeout(1500)
            join_by_number(bob, base_url, room["number"], "Bob Late")
            wait_playing_past(bob, 8.5)
            if player(bob)["muted"]:
                expect(bob.get_by_role("button", name="Click to unmute")).to_be_visible()
            bob.wait_for_timeout(1000)  # settled: any correction of its start is done
            late, reference = player(bob)["time"], player(host)["time"]
            assert abs(late - reference) < 1.0, (late, reference)
            assert abs(player(ann)["time"] - reference) < 1.0

        with step("Bob leaves the room and his video stops"):
            bob.get_by_role("button", name="Leave").click()
            expect(bob.get_by_role("button", name="Return to the session")).to_be_visible()
            bob.wait_for_function(f"() => {PLAYER}.paused")
            assert not player(ann)["paused"]  # the others play on

        with step("the MP4 is for the session's participants only, with Range support"):
            source = ann.locator("#live-video-player").get_attribute("src")
            partial = ann.request.get(base_url + source, headers={"Range": "bytes=0-99"})
            assert partial.status == 206 and partial.headers["content-range"].startswith("bytes 0-99/")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base_url + source, timeout=5)  # noqa: S310 — our http URL, no cookie
            assert refused.value.code == 404
            screenshots(ann, tmp_path, "video-attendee")

        with step("the host shares a YouTube link: the attendees' iframe has its id and start"):
            host.get_by_role("button", name="Share a video").click()
            host.get_by_label("YouTube link").fill("javascript:alert(1)")
            host.get_by_role("button", name="Share this YouTube video").click()
            expect(host.locator("#live-video-message")).to_contain_text("not a YouTube video link")
            expect(ann.locator("#live-video-title")).to_have_text("Product tour.mp4")  # nothing changed
            host.get_by_label("YouTube link").fill("https://youtu.be/dQw4w9WgXcQ")
            host.get_by_role("button", name="Share this YouTube video").click()
            frame = ann.locator("#live-video-youtube-frame")
            expect(frame).to_be_visible()
            expect(frame).to_have_attribute(
                "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?enablejsapi=1&start=0"
            )
            expect(ann.locator("#live-video-player")).to_be_hidden()
            assert ann.evaluate(f"() => {PLAYER}.paused")  # the library video stopped

        with step("the host stops sharing; the panel goes away for Ann"):
            expect(host.get_by_label("Give control of the video to")).to_be_visible()
            host.get_by_role("button", name="Stop sharing the video").click()
            expect(ann.locator("#live-video-panel")).to_be_hidden()
            expect(host.locator("#live-video-stage")).to_be_hidden()
