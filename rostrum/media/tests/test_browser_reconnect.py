"""Calls recover by themselves when a page's room socket drops: real Chromium, the app and Janus.

The server hangs up a page's media handles with its socket. Back online, the page publishes its
camera again from the tracks it kept open (no new permission prompt, no "stopped by the organiser"
message) and subscribes afresh; the others see its picture again.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures
    Network,
    asgi_server,
    migrated_sqlite,
    server_var_dir,
    step,
)
from rostrum.media.tests.test_browser_media import media_browser, media_server, received, start_session, wait_for  # noqa: F401 — fixtures
from rostrum.rooms.tests.test_browser_journey import join_by_number


def frames_grow(page: Page, by: int = 10) -> bool:
    """Whether the page decodes ``by`` more video frames within ten seconds (counters of a
    renegotiated or new connection start again from 0: only increases count)."""
    previous, grown = received(page)["video"]["frames"], 0
    for _ in range(40):
        page.wait_for_timeout(250)
        now = received(page)["video"]["frames"]
        grown += max(0, now - previous) if now >= previous else now
        previous = now
        if grown >= by:
            return True
    return False


def drop_and_restore(page: Page, network: Network) -> None:
    connections = network.connections
    network.go_down()
    expect(page.locator("#live-connection")).to_have_text(re.compile("Reconnecting"))
    page.wait_for_timeout(1_000)
    network.come_back()
    wait_for(page, lambda: network.connections == connections + 1, "the page did not reconnect")


def host_on_camera_for_ann(host: Page, ann: Page, base_url: str, room: dict) -> None:
    """The host starts the session and her camera; Ann joins and decodes its frames."""
    start_session(host, base_url, room)
    join_by_number(ann, base_url, room["number"], "Ann Attendee")
    expect(ann.locator("#live-room")).to_be_visible()
    host.get_by_role("button", name="Start camera and microphone").click()
    wait_for(ann, lambda: received(ann)["video"]["frames"] > 10, "no video frames decoded")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_media_comes_back_after_the_room_socket_drops(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        host, ann = open_page("host"), open_page("ann")
        networks = {"host": Network(), "ann": Network()}
        for page, network in ((host, networks["host"]), (ann, networks["ann"])):
            page.route_web_socket(re.compile(r"/ws/live/"), network.route)

        with step("the host's camera plays in Ann's page"):
            host_on_camera_for_ann(host, ann, base_url, room)

        with step("the host's socket drops and comes back: the camera is on again, Ann sees it"):
            drop_and_restore(host, networks["host"])
            expect(host.get_by_role("button", name="Stop camera and microphone")).to_be_visible()
            expect(host.locator("#live-media-message")).not_to_have_text(re.compile("stopped"))
            assert frames_grow(ann), "Ann's picture did not come back"

        with step("Ann's socket drops and comes back: she receives the host's picture again"):
            drop_and_restore(ann, networks["ann"])
            assert frames_grow(ann), "Ann receives no picture after her reconnect"


# Makes a peer connection of the page say "failed", as Chromium does when ICE or DTLS gives up (a
# network change, a path lost), through the event the page listens to. Keeps it on window.failed.
FAIL = """(which) => {
  const media = document.getElementById("live-app").liveRoom.media;
  const pc = which === "receiver" ? media.receiver.pc : media.published.get(which).pc;
  window.failed = pc;
  Object.defineProperty(pc, "connectionState", { value: "failed" });
  pc.dispatchEvent(new Event("connectionstatechange"));
}"""

# Whether the page has a new, connected peer connection in place of the failed one.
REPLACED = """(which) => {
  const media = document.getElementById("live-app").liveRoom.media;
  const pc = which === "receiver" ? media.receiver?.pc : media.published.get(which)?.pc;
  return Boolean(pc) && pc !== window.failed && pc.connectionState === "connected";
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_failed_media_connection_is_made_again(media_server, asgi_server):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    with media_browser() as open_page:
        host, ann = open_page("host"), open_page("ann")

        with step("the host's camera plays in Ann's page"):
            host_on_camera_for_ann(host, ann, base_url, room)

        with step("the host's sending connection fails: it publishes again by itself, Ann sees it"):
            host.evaluate(FAIL, "camera")
            wait_for(host, lambda: host.evaluate(REPLACED, "camera"), "the host did not publish again", 60_000)
            expect(host.get_by_role("button", name="Stop camera and microphone")).to_be_visible()
            expect(host.locator("#live-media-message")).to_have_text("")
            assert frames_grow(ann), "Ann's picture did not come back"

        with step("Ann's receiving connection fails: she subscribes again by herself"):
            ann.evaluate(FAIL, "receiver")
            wait_for(ann, lambda: ann.evaluate(REPLACED, "receiver"), "Ann did not subscribe again", 60_000)
            expect(ann.locator("#live-media-message")).to_have_text("")
            assert frames_grow(ann), "Ann receives no picture after her connection failed"
