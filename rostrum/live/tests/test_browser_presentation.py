"""A presentation in real browsers: the host shows a three-page deck, attendees follow it page by page.

Same server as test_browser_live_room (uvicorn in a subprocess, Debian's Chromium). The deck is
a converted PPTX as the library's conversion leaves it: one PNG per page, each page its own colour,
so the test reads the colour the attendee's browser actually drew.
"""

import re
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

SEEDER = "rostrum.live.tests.test_browser_presentation:seed_presentation"
# engagement.tests.factories.PAGE_COLOURS
RED, GREEN, BLUE = (220, 30, 30), (30, 160, 60), (40, 70, 220)


def seed_presentation() -> None:
    """The room of test_browser_live_room, and a converted three-page deck in its account's library."""
    from rostrum.accounts.models import Membership
    from rostrum.engagement.tests.factories import make_presentable_file
    from rostrum.live.tests.test_browser_live_room import seed

    seed()  # prints the room, which the fixture reads from the last line
    make_presentable_file(Membership.objects.get(user__email=HOST_EMAIL))


def slide_colour(page: Page) -> tuple[int, int, int]:
    """The colour at the middle of the page image as this browser decoded it."""
    page.wait_for_function(
        "() => { const i = document.getElementById('live-slide-image'); return i.complete && i.naturalWidth > 0; }"
    )
    return tuple(
        page.evaluate(
            """() => {
                const image = document.getElementById('live-slide-image');
                const canvas = document.createElement('canvas');
                canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
                const context = canvas.getContext('2d');
                context.drawImage(image, 0, 0);
                return Array.from(context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data.slice(0, 3));
            }"""
        )
    )


def expect_slide(page: Page, number: int, colour: tuple[int, int, int]) -> None:
    image = page.get_by_role("img", name=f"Slide {number} of 3")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("src", re.compile(rf"^/live/presentations/\d+/pages/{number}/$"))
    expect(page.locator("#live-slide-counter")).to_have_text(f"Slide {number} of 3")
    page.wait_for_function(
        f"() => document.getElementById('live-slide-image').getAttribute('src').endsWith('/{number}/')"
    )
    page.wait_for_timeout(50)
    assert slide_colour(page) == colour


STROKES = "document.getElementById('live-app').liveRoom.state.presentation.strokes.length"


def strokes_on(page: Page) -> int:
    return page.evaluate(f"() => {STROKES}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", [SEEDER], indirect=True)
def test_a_presentation_is_shown_in_sync_to_attendees_and_late_joiners(asgi_server, tmp_path):  # noqa: F811 — the fixture
    base_url, room = asgi_server

    with browser_pages() as chromium:
        host, ann, bob = (chromium.open(name) for name in ("host", "ann", "bob"))

        with step("the host enters and starts the session; Ann joins"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Attendee")
            expect(ann.locator("#live-room")).to_be_visible()
            expect(ann.locator("#live-presentation")).to_be_hidden()
            expect(ann.get_by_role("button", name="Present a file")).to_have_count(0)

        with step("the host presents the deck and Ann sees its first page"):
            host.get_by_role("button", name="Present a file").click()
            host.get_by_role("button", name="Quarterly deck.pptx (3 pages)").click()
            expect_slide(host, 1, RED)
            expect(host.locator("#live-slide-controller-note")).to_have_text("You have control.")
            expect_slide(ann, 1, RED)
            expect(ann.locator("#live-slide-controller-note")).to_have_text("Presented by Hanna Host")
            expect(ann.get_by_role("button", name="Next slide")).to_have_count(0)
            expect(ann.get_by_role("link", name="Download the file")).to_have_count(0)

        with step("the host moves to page 2 and Ann follows"):
            host.get_by_role("button", name="Next slide").click()
            expect_slide(host, 2, GREEN)
            expect_slide(ann, 2, GREEN)

        with step("the arrow keys move the pages for the host"):
            host.get_by_role("button", name="Next slide").focus()
            host.keyboard.press("ArrowRight")
            expect_slide(ann, 3, BLUE)
            expect(host.get_by_role("button", name="Next slide")).to_be_disabled()
            host.keyboard.press("ArrowLeft")
            expect_slide(ann, 2, GREEN)

        with step("the host draws on page 2 and points; Ann sees both"):
            host.get_by_role("button", name="Red pen").click()
            expect(host.get_by_role("button", name="Red pen")).to_have_attribute("aria-pressed", "true")
            host.locator("#live-slide-canvas").scroll_into_view_if_needed()
            box = host.locator("#live-slide-canvas").bounding_box()
            host.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
            host.mouse.down()
            for step_number in range(1, 11):
                host.mouse.move(box["x"] + box["width"] * (0.2 + step_number * 0.05), box["y"] + box["height"] * 0.5)
            host.mouse.up()
            ann.wait_for_function(
                "() => document.getElementById('live-app').liveRoom.state.presentation.strokes.length === 1"
            )
            host.get_by_role("button", name="Pointer").click()
            host.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
            host.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.35)
            expect(ann.locator("#live-slide-pointer")).to_be_visible()

        with step("Bob joins late and lands on page 2 with its drawing"):
            join_by_number(bob, base_url, room["number"], "Bob Late")
            expect_slide(bob, 2, GREEN)
            assert strokes_on(bob) == 1
            expect(bob.get_by_role("link", name="Download the file")).to_have_count(0)

        with step("page images are for the session's participants only"):
            source = ann.locator("#live-slide-image").get_attribute("src")
            assert ann.request.get(base_url + source).status == 200
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base_url + source, timeout=5)  # noqa: S310 — our http URL, no cookie
            assert refused.value.code == 404

        with step("the host allows downloads and the attendees get the link"):
            host.get_by_role("switch", name="Allow downloads").check()
            link = ann.get_by_role("link", name="Download the file")
            expect(link).to_be_visible()
            expect(bob.get_by_role("link", name="Download the file")).to_be_visible()
            href = link.get_attribute("href")
            download = ann.request.get(base_url + href)
            assert download.status == 200 and "attachment" in download.headers["content-disposition"]
            host.get_by_role("switch", name="Allow downloads").uncheck()
            expect(ann.get_by_role("link", name="Download the file")).to_have_count(0)
            assert ann.request.get(base_url + href).status == 404

        with step("the host stops presenting"):
            expect(host.get_by_label("Give control to")).to_be_visible()
            screenshots(ann, tmp_path, "presentation-attendee")
            host.get_by_role("button", name="Stop presenting").click()
            expect(ann.locator("#live-presentation")).to_be_hidden()
            expect(host.locator("#live-slide")).to_be_hidden()


FORGED_PAGE = """async (page) => {
    try {
        await document.getElementById('live-app').liveRoom.connection.request('presentation.page', { page });
        return 'ack';
    } catch (error) {
        return error.code;
    }
}"""


def current_page(page: Page) -> int:
    return page.evaluate("() => document.getElementById('live-app').liveRoom.state.presentation.page")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", [SEEDER], indirect=True)
def test_the_host_hands_control_to_a_presenter_who_moves_the_pages(asgi_server, tmp_path):  # noqa: F811 — the fixture
    base_url, room = asgi_server

    with browser_pages() as chromium:
        host, ann, bob = (chromium.open(name) for name in ("host", "ann", "bob"))

        with step("the host starts and presents the deck; Ann and Bob join and see page 1"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Presenter")
            join_by_number(bob, base_url, room["number"], "Bob Attendee")
            host.get_by_role("button", name="Present a file").click()
            host.get_by_role("button", name="Quarterly deck.pptx (3 pages)").click()
            expect_slide(ann, 1, RED)
            expect_slide(bob, 1, RED)

        with step("the host makes Ann a presenter from the participants list"):
            host.get_by_role("button", name="Make presenter: Ann Presenter").click()
            expect(host.get_by_role("button", name="Make attendee: Ann Presenter")).to_be_visible()
            ann.wait_for_function("() => document.getElementById('live-app').liveRoom.state.me.role === 'presenter'")
            expect(ann.get_by_role("button", name="Next slide")).to_have_count(0)  # no control yet

        with step("the host gives Ann control with the keyboard-reachable select"):
            chooser = host.get_by_label("Give control to")
            expect(chooser.locator("option", has_text="Ann Presenter")).to_have_count(1)
            expect(chooser.locator("option", has_text="Bob Attendee")).to_have_count(0)  # organisers only
            chooser.select_option(label="Ann Presenter")
            expect(ann.locator("#live-slide-controller-note")).to_have_text("You have control.")
            expect(host.locator("#live-slide-controller-note")).to_have_text("Presented by Ann Presenter")
            expect(bob.locator("#live-slide-controller-note")).to_have_text("Presented by Ann Presenter")

        with step("Ann moves to page 2 in her browser and Bob's browser shows page 2"):
            ann.get_by_role("button", name="Next slide").click()
            expect_slide(ann, 2, GREEN)
            expect_slide(bob, 2, GREEN)
            expect_slide(host, 2, GREEN)

        with step("the host can no longer move the pages"):
            expect(host.get_by_role("button", name="Next slide")).to_have_count(0)
            expect(host.get_by_role("button", name="Previous slide")).to_have_count(0)
            host.evaluate("() => document.activeElement.blur()")  # not the select: arrows would change it
            host.keyboard.press("ArrowRight")
            host.wait_for_timeout(300)
            assert current_page(host) == current_page(bob) == 2
            assert host.evaluate(FORGED_PAGE, 3) == "not_allowed"  # the server refuses it too
            assert current_page(bob) == 2
            screenshots(host, tmp_path, "presentation-control-handed-over")

        with step("Ann's arrow keys move the pages for everyone"):
            ann.get_by_role("button", name="Next slide").focus()
            ann.keyboard.press("ArrowRight")
            expect_slide(bob, 3, BLUE)
