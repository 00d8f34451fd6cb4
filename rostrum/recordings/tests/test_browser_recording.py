"""Recording in real browsers through a real Janus: the host presses Record while on camera, the
attendee's page shows and announces the indicator, Janus really writes .mjr files, Stop ends it."""

import pytest
from playwright.sync_api import expect

from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures
    asgi_server,
    migrated_sqlite,
    server_var_dir,
    step,
)
from rostrum.media.tests.test_browser_media import (  # noqa: F401
    media_browser,
    media_server,
    received,
    start_session,
    wait_for,
)
from rostrum.rooms.tests.test_browser_journey import join_by_number


def written(folder) -> dict:
    return {p.name: p.stat().st_size for p in folder.glob("*/*.mjr")}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_host_records_and_the_attendee_sees_the_indicator(media_server, asgi_server, server_var_dir):  # noqa: F811
    base_url, room = asgi_server
    spool = server_var_dir / "recordings-spool"
    before = set(written(spool))
    with media_browser() as open_page:
        host, ann = open_page("host"), open_page("ann")
        with step("the host starts the session and the camera; Ann joins"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-room")).to_be_visible()
            expect(ann.locator("#live-recording")).to_be_hidden()
            expect(ann.get_by_role("button", name="Record")).to_be_hidden()
            host.get_by_role("button", name="Start camera and microphone").click()
            expect(ann.locator("#live-feeds > li", has_text="Hanna Host")).to_be_visible()
            # Media flows before Record is pressed: a failure below is then the recording's, not ICE's.
            wait_for(ann, lambda: received(ann)["video"]["frames"] > 10, "no video frames decoded", 60_000)

        with step("the host presses Record: both pages show it, Ann's announces it"):
            host.get_by_role("button", name="Record").click()
            expect(host.get_by_role("button", name="Stop recording")).to_have_attribute("aria-pressed", "true")
            expect(ann.locator("#live-recording")).to_have_text("● Recording")
            expect(ann.locator("#live-announce")).to_have_text("This session is now being recorded.")

        with step("Janus writes the host's audio and video, growing"):
            wait_for(
                host,
                lambda: sum(1 for n, size in written(spool).items() if n not in before and size > 10_000) >= 2,
                lambda: f"no .mjr files written in {spool}: {written(spool)}\n{media_server.log_tail()}",
                # Janus writes a file's first bytes with its first packet: on a loaded machine ICE
                # and DTLS have been seen to take over 20 s before media flows (files stay empty).
                timeout_ms=60_000,
            )

        with step("the host stops: the indicator goes away for Ann"):
            host.get_by_role("button", name="Stop recording").click()
            expect(ann.locator("#live-recording")).to_be_hidden()
            expect(ann.locator("#live-announce")).to_have_text("Recording has stopped.")
            expect(host.get_by_role("button", name="Record")).to_be_visible()
