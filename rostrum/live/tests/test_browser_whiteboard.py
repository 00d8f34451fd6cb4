"""The whiteboard in real browsers: a host and a participant of a meeting draw on one board.

Same server as test_browser_live_room (uvicorn in a subprocess, Debian's Chromium). The test
draws with the mouse, then with the keyboard only, and reads the colours each browser's canvas
actually shows.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from rostrum.core.testing.servers import browser_pages, start_session
from rostrum.live.tests.test_browser_live_room import (  # noqa: F401 — fixtures used by name
    asgi_server,
    migrated_sqlite,
    screenshots,
    server_var_dir,
    step,
)
from rostrum.rooms.tests.test_browser_journey import join_by_number

SEEDER = "rostrum.live.tests.test_browser_live_room:seed_meeting"
# whiteboard.constants.SHADES
RED, BLUE, BLACK = (0xD3, 0x2F, 0x2F), (0x15, 0x65, 0xC0), (0x21, 0x21, 0x21)
WHITE = (255, 255, 255)
BOARD = "document.getElementById('live-app').liveRoom.state.whiteboard"
ITEMS = "document.getElementById('live-app').liveRoom.state.whiteboard?.items.length ?? -1"
MINE = "document.getElementById('live-app').liveRoom.state.my_whiteboard"


def pixel(page: Page, x: float, y: float) -> tuple[int, int, int]:
    """The colour this browser's board shows at (x, y), both from 0 to 1."""
    return tuple(
        page.evaluate(
            """([x, y]) => {
                const canvas = document.getElementById('live-wb-canvas');
                const context = canvas.getContext('2d');
                const at = [Math.round(x * canvas.width), Math.round(y * canvas.height)];
                return Array.from(context.getImageData(at[0], at[1], 1, 1).data.slice(0, 3));
            }""",
            [x, y],
        )
    )


def wait_for_items(page: Page, count: int) -> None:
    page.wait_for_function(f"() => ({ITEMS}) === {count}")


def drag(page: Page, start: tuple[float, float], end: tuple[float, float], steps: int = 8) -> None:
    """Press at ``start``, move to ``end`` in steps, let go: coordinates from 0 to 1 across the board."""
    canvas = page.locator("#live-wb-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    for n in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * n / steps
        y = start[1] + (end[1] - start[1]) * n / steps
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.mouse.up()


def press(page: Page, *keys: str) -> None:
    """Press each key in turn on whatever has the focus: "Shift+ArrowLeft*3" presses it three times."""
    for key in keys:
        name, _, times = key.partition("*")
        for _ in range(int(times or 1)):
            page.keyboard.press(name)


def choose_by_keyboard(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).focus()
    page.keyboard.press("Enter")


def cursor_text(x: int, y: int) -> str:
    return f"Cursor at {x} % from the left, {y} % from the top."


def click_board(page: Page, x: float, y: float) -> None:
    canvas = page.locator("#live-wb-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asgi_server", [SEEDER], indirect=True)
def test_a_meeting_draws_together_on_the_whiteboard(asgi_server, tmp_path):  # noqa: F811 — the fixture
    base_url, room = asgi_server

    with browser_pages() as chromium:
        host, ann = chromium.open("host"), chromium.open("ann")

        with step("the host enters and starts the meeting; Ann joins"):
            start_session(host, base_url, room)
            join_by_number(ann, base_url, room["number"], "Ann Member")
            expect(ann.locator("#live-room")).to_be_visible()
            expect(ann.locator("#live-whiteboard")).to_be_hidden()

        with step("the host shows the board and draws a blue rectangle; Ann sees it"):
            host.get_by_role("button", name="Show the whiteboard").click()
            expect(ann.get_by_role("img", name="Whiteboard with 0 items")).to_be_visible()
            expect(ann.locator("#live-wb-toolbar")).to_be_hidden()  # not allowed to draw yet
            ann.locator("#live-wb-canvas").focus()
            press(ann, "Enter", "Shift+ArrowRight*2", "Enter")  # the keys draw nothing either
            expect(ann.locator("#live-wb-message")).to_have_text("")
            host.get_by_role("button", name="Rectangle").click()
            host.get_by_role("button", name="Blue").click()
            host.get_by_label("Width").select_option(label="Very thick")
            expect(host.get_by_role("button", name="Rectangle")).to_have_attribute("aria-pressed", "true")
            expect(host.get_by_role("button", name="Blue")).to_have_attribute("aria-pressed", "true")
            expect(host.get_by_role("button", name="Pen", exact=True)).to_have_attribute("aria-pressed", "false")
            drag(host, (0.2, 0.2), (0.5, 0.6))
            wait_for_items(ann, 1)
            expect(ann.get_by_role("img", name="Whiteboard with 1 items")).to_be_visible()
            expect(ann.locator("#live-wb-message")).to_have_text("")  # Ann's keys sent nothing
            for page in (host, ann):
                assert pixel(page, 0.2, 0.4) == BLUE  # the left edge
                assert pixel(page, 0.35, 0.4) == WHITE  # inside
                assert pixel(page, 0.8, 0.8) == WHITE

        with step("the host lets everyone draw; Ann draws a red line and the host sees it"):
            host.get_by_role("switch", name="Let everyone draw").check()
            expect(ann.locator("#live-wb-toolbar")).to_be_visible()
            expect(ann.get_by_role("button", name="Clear the whiteboard")).to_be_hidden()
            expect(ann.get_by_role("button", name="Pen", exact=True)).to_have_attribute("aria-pressed", "true")
            drag(ann, (0.6, 0.85), (0.9, 0.85))
            wait_for_items(host, 2)
            assert pixel(host, 0.75, 0.85) == RED
            assert pixel(ann, 0.75, 0.85) == RED

        with step("Ann undoes her line with Ctrl+Z; it is gone for both, the rectangle stays"):
            ann.locator("#live-wb-canvas").focus()
            ann.keyboard.press("Control+z")
            wait_for_items(host, 1)
            wait_for_items(ann, 1)
            for page in (host, ann):
                assert pixel(page, 0.75, 0.85) == WHITE
                assert pixel(page, 0.2, 0.4) == BLUE

        with step("Ann brings her line back by keyboard and by the Redo button; only she can redo it"):
            redo = ann.get_by_role("button", name="Redo")
            expect(redo).to_be_enabled()
            expect(host.get_by_role("button", name="Redo")).to_be_disabled()  # the host has undone nothing
            for bring_back in (
                lambda: ann.keyboard.press("Control+Shift+Z"),
                redo.click,
                lambda: ann.keyboard.press("Control+y"),
            ):
                bring_back()
                wait_for_items(host, 2)
                wait_for_items(ann, 2)
                expect(redo).to_be_disabled()  # nothing more of Ann's to bring back
                for page in (host, ann):
                    assert pixel(page, 0.75, 0.85) == RED
                    assert pixel(page, 0.2, 0.4) == BLUE
                ann.locator("#live-wb-canvas").focus()
                ann.keyboard.press("Control+z")
                wait_for_items(host, 1)
                wait_for_items(ann, 1)
                expect(redo).to_be_enabled()
                assert pixel(host, 0.75, 0.85) == WHITE and pixel(ann, 0.75, 0.85) == WHITE

        with step("the host writes a text through the labelled field"):
            host.get_by_role("button", name="Text", exact=True).click()
            host.get_by_role("button", name="Black").click()
            click_board(host, 0.6, 0.1)
            field = host.get_by_label("Text to place on the whiteboard")
            expect(field).to_be_focused()
            field.fill("Plan B")
            field.press("Enter")
            wait_for_items(ann, 2)
            words = ann.evaluate("() => document.getElementById('live-app').liveRoom.state.whiteboard.items[1]")
            assert words["kind"] == "text" and words["text"] == "Plan B" and words["colour"] == "black"

        with step("Ann's board built by reducer.js from events equals a fresh snapshot's"):
            built = ann.evaluate(f"() => {BOARD}")
            built_mine = ann.evaluate(f"() => {MINE}")
            ann.reload()
            expect(ann.locator("#live-room")).to_be_visible()
            ann.wait_for_function(f"() => ({ITEMS}) === 2")
            assert ann.evaluate(f"() => {BOARD}") == built
            assert ann.evaluate(f"() => {MINE}") == built_mine == {"redo_count": 1}
            expect(ann.get_by_role("button", name="Redo")).to_be_enabled()  # her undone line is kept
            assert [item["kind"] for item in built["items"]] == ["rect", "text"]

        with step("Ann downloads the board as PNG"):
            link = ann.get_by_role("link", name="Download PNG")
            response = ann.request.get(base_url + link.get_attribute("href"))
            assert response.status == 200 and response.headers["content-type"] == "image/png"
            assert response.body()[:8] == b"\x89PNG\r\n\x1a\n"

        with step("Ann erases the rectangle by clicking its edge"):
            ann.get_by_role("button", name="Eraser").click()
            click_board(ann, 0.2, 0.4)
            wait_for_items(host, 1)
            assert pixel(host, 0.2, 0.4) == WHITE

        with step("Ann starts a rectangle with the keyboard and cancels it with Escape: nothing is sent"):
            canvas = ann.locator("#live-wb-canvas")
            expect(canvas).to_have_accessible_description(re.compile("the arrow keys move the cursor"))
            choose_by_keyboard(ann, "Rectangle")
            ann.get_by_label("Width").select_option(label="Very thick")
            canvas.focus()
            expect(canvas).to_be_focused()
            press(ann, "Enter", "Shift+ArrowDown", "Shift+ArrowRight")  # from the middle to (60 %, 60 %)
            assert pixel(ann, 0.55, 0.6) == RED  # the preview, on Ann's board only
            assert pixel(host, 0.55, 0.6) == WHITE
            press(ann, "Escape")
            expect(ann.locator("#live-wb-message")).to_have_text("Cancelled. " + cursor_text(60, 60))
            assert pixel(ann, 0.55, 0.6) == WHITE
            assert ann.evaluate(f"() => {ITEMS}") == host.evaluate(f"() => {ITEMS}") == 1

        with step("Ann draws a rectangle and a pen line with the keyboard only; the host sees both"):
            press(ann, "Shift+ArrowLeft*4", "Shift+ArrowUp*3", "Enter")  # starts at (20 %, 30 %)
            expect(ann.locator("#live-wb-message")).to_contain_text(cursor_text(20, 30))
            press(ann, "Shift+ArrowRight*2", "Shift+ArrowDown*3", "Enter")  # ends at (40 %, 60 %)
            wait_for_items(host, 2)
            expect(ann.locator("#live-wb-message")).to_have_text("Drawn. " + cursor_text(40, 60))
            for page in (host, ann):
                assert pixel(page, 0.2, 0.45) == RED  # the left edge
                assert pixel(page, 0.3, 0.3) == RED  # the top edge
                assert pixel(page, 0.3, 0.45) == WHITE  # inside
                assert pixel(page, 0.55, 0.6) == WHITE  # the cancelled one was never sent
            choose_by_keyboard(ann, "Pen")
            canvas.focus()
            press(ann, "Shift+ArrowDown*2", "Enter", "Shift+ArrowRight*3", "ArrowRight*5", "Enter")
            wait_for_items(host, 3)
            expect(ann.locator("#live-wb-message")).to_have_text("Drawn. " + cursor_text(75, 80))
            line = host.evaluate(f"() => {BOARD}.items.at(-1)")
            assert line["kind"] == "pen" and line["colour"] == "red" and line["width"] == 16
            assert line["points"][0] == [0.4, 0.8] and line["points"][-1] == [0.75, 0.8]
            assert len(line["points"]) == 9  # the start and one point a move
            for page in (host, ann):
                assert pixel(page, 0.55, 0.8) == RED
                assert pixel(page, 0.45, 0.7) == WHITE
            assert pixel(ann, 0.75, 0.8) == BLACK  # the keyboard cursor, on Ann's focused board only
            assert pixel(host, 0.75, 0.8) == RED

        with step("Ann places a text at the keyboard cursor through the same field"):
            choose_by_keyboard(ann, "Text")
            assert pixel(ann, 0.75, 0.8) == RED  # no cursor once the board lost the focus
            canvas.focus()
            press(ann, "Shift+ArrowUp*2", "Enter")  # at (75 %, 60 %)
            field = ann.get_by_label("Text to place on the whiteboard")
            expect(field).to_be_focused()
            field.fill("By keys")
            field.press("Enter")
            wait_for_items(host, 4)
            words = host.evaluate(f"() => {BOARD}.items.at(-1)")
            assert words["kind"] == "text" and words["points"] == [[0.75, 0.6]] and words["text"] == "By keys"
            expect(canvas).to_be_focused()  # back on the board

        with step("the host hides the board and it leaves Ann's page"):
            screenshots(ann, tmp_path, "whiteboard-participant")
            host.get_by_role("button", name="Hide the whiteboard").click()
            expect(ann.locator("#live-whiteboard")).to_be_hidden()
            expect(host.get_by_role("button", name="Show the whiteboard")).to_be_visible()
