"""The live room in a real browser: a host and two attendees, each with their own WebSocket.

Drives Debian's Chromium (never a downloaded one) through Playwright, finding controls by their
labels and roles, so the room's accessibility is checked on the way.

**The server.** pytest-django's ``live_server`` serves HTTP only, through a WSGI thread; the room
needs its WebSocket on the same origin as its page. So the test starts a real ASGI server,
``uvicorn rostrum.asgi:application``, in a subprocess that serves both the pages and the socket
from one address, as in production. Its static files are collected once per run into its own var
folder (``ROSTRUM_VAR_DIR``) and served by WhiteNoise, as in production. ``REDIS_URL``, when set,
passes through: the server then uses Redis for its broker, cache and channel layer.

**The database.** The server must see the test's database:

- PostgreSQL: it gets the database pytest-django made for this run (``test_<NAME>``). The test is
  ``transaction=True``, so everything is committed and visible to both processes, and
  pytest-django empties the database afterwards (the server is stopped before that).
- SQLite: pytest-django's test database is in memory and cannot be opened by another process. The
  server gets a file database instead: migrated once per run, copied fresh for each test.

In both cases the organiser, account and room are made in a subprocess with the server's settings
(``seed``, through the same factories as the other tests), and from then on the test goes through
the browser only. One code path, so the SQLite and PostgreSQL runs check the same things.

**The network.** Ann's socket goes through ``page.route_web_socket``: frames pass unchanged, but
the test can lose one (the client must notice the gap and ``sync``), repeat one (the client must
ignore the duplicate), and drop the line (the client must reconnect by itself).
"""

import contextlib
import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

# The server plumbing lives in rostrum.core.testing.servers (a pytest plugin, so any module can use
# the fixtures by name); these names stay importable from here for the modules that import them.
from rostrum.core.testing.servers import (  # noqa: F401 — re-exported
    HOST_EMAIL,
    SCREEN_DESKTOP,
    SCREEN_PHONE,
    SERVER_START_SECONDS,
    STEPS_DONE,
    asgi_server,
    database_url_for_server,
    free_port,
    log_in,
    migrated_sqlite,
    run_python,
    screenshot,
    screenshots,
    seed,
    seed_meeting,
    server_env,
    server_var_dir,
    step,
)
from rostrum.rooms.tests.test_browser_journey import CHROMIUM, CHROMIUM_ARGS, join_by_number, label


class Network:
    """One page's WebSocket through Playwright: frames pass unchanged unless the test says otherwise."""

    def __init__(self):
        self.is_down = False
        self.lose: str | None = None  # lose the next event frame containing this text
        self.repeat: str | None = None  # deliver the next event frame containing this text twice
        self.routes: list = []
        self.connections = 0

    def route(self, page_side) -> None:
        if self.is_down:
            page_side.close(code=4000, reason="network down")
            return
        server_side = page_side.connect_to_server()
        self.connections += 1
        self.routes.append((page_side, server_side))
        page_side.on_message(server_side.send)
        server_side.on_message(lambda frame: self._to_page(page_side, frame))
        server_side.on_close(lambda code, reason: page_side.close(code=code, reason=reason))
        page_side.on_close(lambda code, reason: server_side.close(code=code, reason=reason))

    def _to_page(self, page_side, frame) -> None:
        is_event = isinstance(frame, str) and '"seq"' in frame and not frame.startswith('{"type":"snapshot"')
        if is_event and self.lose and self.lose in frame:
            self.lose = None
            return
        page_side.send(frame)
        if is_event and self.repeat and self.repeat in frame:
            self.repeat = None
            page_side.send(frame)

    def go_down(self) -> None:
        self.is_down = True
        for page_side, server_side in self.routes:
            for side in (server_side, page_side):
                with contextlib.suppress(Exception):  # a side may be closed already
                    side.close(code=4000, reason="network down")
        self.routes.clear()

    def come_back(self) -> None:
        self.is_down = False


def chat_line(page: Page, text: str):
    return page.locator("#live-chat-log > li", has_text=text)


def post_chat(page: Page, text: str, to: str | None = None) -> None:
    if to is not None:
        page.get_by_label("Send to").select_option(label=to)
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_label("Message", exact=True).press("Enter")  # Enter sends
    expect(page.get_by_label("Message", exact=True)).to_have_value("")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_webinar_in_the_live_room_from_start_to_end(asgi_server, tmp_path):  # noqa: F811 — the fixture
    base_url, room = asgi_server
    STEPS_DONE.clear()
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            contexts = {}
            pages = {}
            for name in ("host", "ann", "bob"):
                contexts[name] = browser.new_context(viewport=SCREEN_DESKTOP)
                contexts[name].set_default_timeout(10_000)
                pages[name] = contexts[name].new_page()
                pages[name].on("pageerror", lambda error, name=name: errors.append(f"{name}: {error}"))
            host, ann, bob = pages["host"], pages["ann"], pages["bob"]
            contexts["bob"].clock.install()  # to move Bob's clock past the call to action's time
            ann_network = Network()
            ann.route_web_socket(re.compile(r"/ws/live/"), ann_network.route)

            with step("the host logs in, opens the room page and sees the lobby"):
                log_in(host, base_url, HOST_EMAIL)
                host.goto(base_url + room["path"])
                expect(host.get_by_label(label("Your name"))).to_have_value("Hanna Host")
                host.get_by_role("button", name="Enter").click()
                expect(host).to_have_url(re.compile(r"/lobby/$"))
                expect(host.get_by_role("button", name="Start session")).to_be_visible()
                expect(host.locator("#live-state")).to_have_text("Not started")
                expect(host.get_by_role("switch", name="Admit people automatically")).to_be_checked()
                expect(host.locator("#live-connection")).to_have_text("")

            with step("Ann joins by number and waits in the lobby"):
                join_by_number(ann, base_url, room["number"], "Ann Attendee")
                expect(ann).to_have_url(re.compile(r"/lobby/$"))
                expect(ann.get_by_role("heading", name="Welcome, Ann Attendee")).to_be_visible()
                expect(ann.get_by_text("Coffee is on us")).to_be_visible()
                expect(ann.locator("#live-room")).to_be_hidden()

            with step("the host starts the session and Ann is let in automatically"):
                host.get_by_role("button", name="Start session").click()
                expect(host.locator("#live-state")).to_have_text("Live")
                expect(host.get_by_role("button", name="End session")).to_be_visible()
                expect(ann.locator("#live-room")).to_be_visible()
                expect(ann.locator("#live-waiting")).to_be_hidden()
                expect(ann.get_by_role("button", name="Raise hand")).to_be_visible()

            with step("with admission by hand, Bob waits in the lobby until the host admits him"):
                host.get_by_role("switch", name="Admit people automatically").uncheck()
                expect(host.get_by_role("switch", name="Admit people automatically")).not_to_be_checked()
                join_by_number(bob, base_url, room["number"], "Bob Attendee")
                expect(bob.get_by_text("An organiser will let you in shortly")).to_be_visible()
                expect(bob.locator("#live-room")).to_be_hidden()
                screenshot(bob, tmp_path / "attendee-waiting.png")
                host.get_by_role("button", name="Admit Bob Attendee").click()
                expect(bob.locator("#live-room")).to_be_visible()
                expect(host.get_by_text("Nobody is waiting.")).to_be_visible()

            with step("presence: the host sees all three, a webinar attendee the count and the organisers"):
                expect(host.locator("#live-people-count")).to_have_text("People in the room: 3")
                expect(host.locator("#live-people-list > li")).to_have_count(3)
                expect(host.locator("#live-people-list")).to_contain_text("Bob Attendee")
                expect(ann.locator("#live-people-count")).to_have_text("People in the room: 3")
                expect(ann.locator("#live-people-list > li")).to_have_count(1)
                expect(ann.locator("#live-people-list")).to_contain_text("Hanna Host")

            with step("Ann writes in the chat and Bob reads it, as text, with http(s) links only"):
                post_chat(ann, "Hello <b>all</b>, notes at https://example.com/notes. javascript:alert(1)")
                line = chat_line(bob, "Hello <b>all</b>")
                expect(line).to_be_visible()
                expect(line.locator("b")).to_have_count(0)
                expect(line.get_by_role("link")).to_have_count(1)
                expect(line.get_by_role("link")).to_have_attribute("href", "https://example.com/notes")
                expect(line.get_by_role("link")).to_have_attribute("rel", re.compile(r"\bnoopener\b.*\bnoreferrer\b"))
                expect(chat_line(host, "Hello <b>all</b>")).to_be_visible()

            with step("Ann writes privately to the organisers: the host reads it, Bob does not"):
                post_chat(ann, "Only for the organisers", to="The organisers (privately)")
                expect(chat_line(host, "Only for the organisers")).to_contain_text("Private, to the organisers")
                post_chat(ann, "Public again", to="Everyone")
                expect(chat_line(bob, "Public again")).to_be_visible()  # so Bob had the private one's turn
                expect(chat_line(bob, "Only for the organisers")).to_have_count(0)

            with step("the host deletes a message, locks the chat, turns off Bob's chat; each sees why"):
                post_chat(bob, "Oops, wrong room")
                expect(chat_line(ann, "Oops, wrong room")).to_be_visible()
                delete = chat_line(host, "Oops, wrong room").get_by_role("button", name=re.compile("^Delete"))
                expect(delete).to_have_accessible_name("Delete the message from Bob Attendee")
                delete.click()
                expect(chat_line(ann, "Oops, wrong room")).to_have_count(0)
                expect(chat_line(bob, "Oops, wrong room")).to_have_count(0)

                host.get_by_role("switch", name="Lock the chat").check()
                expect(ann.locator("#live-chat-note")).to_have_text("The organiser has locked the chat.")
                expect(ann.get_by_label("Message", exact=True)).to_be_disabled()
                host.get_by_role("switch", name="Lock the chat").uncheck()
                expect(ann.get_by_label("Message", exact=True)).to_be_enabled()
                expect(ann.locator("#live-chat-note")).to_be_hidden()

                host.get_by_role("button", name="Turn off chat: Bob Attendee").click()
                expect(bob.locator("#live-chat-note")).to_have_text("The organiser has turned off your chat.")
                expect(bob.get_by_label("Message", exact=True)).to_be_disabled()
                expect(ann.get_by_label("Message", exact=True)).to_be_enabled()
                host.get_by_role("button", name="Turn chat back on: Bob Attendee").click()
                expect(bob.get_by_label("Message", exact=True)).to_be_enabled()

            with step("writing too fast shows the server's own message"):
                message = ann.locator("#live-chat-message")
                for number in range(1, 8):
                    ann.get_by_label("Message", exact=True).fill(f"Quick {number}")
                    ann.get_by_label("Message", exact=True).press("Enter")
                    expect(ann.get_by_label("Message", exact=True)).to_be_enabled()
                    ann.wait_for_timeout(50)
                    if "too fast" in message.inner_text():
                        break
                too_fast = re.compile(r"^You are writing too fast: at most \d+ messages in \d+ seconds\.$")
                expect(message).to_have_text(too_fast)
                expect(ann.get_by_label("Message", exact=True)).to_have_value(f"Quick {number}")  # kept, to send later

            with step("Bob asks a question, the host answers publicly, Ann reads the answer"):
                bob.get_by_label("Your question").fill("Will the recording be shared?")
                bob.get_by_role("button", name="Ask").click()
                expect(bob.locator("#live-qa-list > li", has_text="Will the recording be shared?")).to_be_visible()
                question = host.locator("#live-qa-list > li", has_text="Will the recording be shared?")
                question.get_by_label("Your answer to Bob Attendee").fill("Yes, tomorrow by e-mail.")
                question.get_by_role("button", name="Answer publicly").click()
                answered = ann.locator("#live-qa-list > li", has_text="Will the recording be shared?")
                expect(answered).to_contain_text("Yes, tomorrow by e-mail.")
                expect(answered).to_contain_text("Answered")

            with step("the host creates and launches a poll; Ann and Bob vote and see the live results"):
                host.get_by_text("New poll").click()
                host.get_by_label("Question", exact=True).fill("Which engine next?")
                host.get_by_label("Kind of answer").select_option("single")
                host.get_by_label("Choices, one per line (2 to 10)").fill("Difference engine\nAnalytical engine")
                host.get_by_role("button", name="Create the poll").click()
                poll = host.locator("#live-poll-list > li", has_text="Which engine next?")
                expect(poll).to_contain_text("Draft")
                poll.get_by_role("button", name="Launch").click()
                expect(poll).to_contain_text("Open")
                for page, choice in ((ann, "Difference engine"), (bob, "Analytical engine")):
                    card = page.locator("#live-poll-list > li", has_text="Which engine next?")
                    card.get_by_role("radio", name=choice).check()
                    card.get_by_role("button", name="Vote").click()
                    expect(card).to_contain_text(f"Your vote: {choice}")
                for page in (ann, bob, host):
                    card = page.locator("#live-poll-list > li", has_text="Which engine next?")
                    for choice in ("Difference engine", "Analytical engine"):
                        bar = card.locator(".live-bar", has_text=choice)
                        expect(bar.locator(".live-bar-value")).to_have_text("1 (50%)")
                    expect(card).to_contain_text("Ballots: 2")

            with step("Ann raises her hand; the host sees it in the queue and lowers it"):
                ann.get_by_role("button", name="Raise hand").click()
                expect(ann.get_by_role("button", name="Lower hand")).to_have_attribute("aria-pressed", "true")
                expect(host.locator("#live-hands-list")).to_contain_text("Ann Attendee")
                host.get_by_role("button", name="Lower the hand of Ann Attendee").click()
                expect(host.get_by_text("No hands are raised.")).to_be_visible()
                expect(ann.get_by_role("button", name="Raise hand")).to_have_attribute("aria-pressed", "false")

            with step("the host shows a call to action; Bob opens it in a new tab and the host sees 1 click"):
                host.get_by_label("Button text").fill("Get the slides")
                host.get_by_label("Link (http:// or https://)").fill(f"{base_url}/join/")
                host.get_by_label("Shown for (seconds)").fill("120")
                host.get_by_role("button", name="Show to everyone").click()
                expect(host.locator("#live-cta-current-clicks")).to_have_text("Clicks: 0")
                link = bob.get_by_role("link", name="Get the slides")
                expect(link).to_be_visible()
                expect(link).to_have_attribute("target", "_blank")
                expect(link).to_have_attribute("rel", "noopener noreferrer")
                with contexts["bob"].expect_page() as opened:
                    link.click()
                opened.value.wait_for_load_state()
                assert opened.value.url == f"{base_url}/join/"
                opened.value.close()
                expect(host.locator("#live-cta-current-clicks")).to_have_text("Clicks: 1")
                bob.clock.fast_forward("02:01")  # past its time, by Bob's clock: no event says so
                expect(bob.locator("#live-cta-banner")).to_be_hidden()

            with step("screenshots of the host's and an attendee's room, desktop and phone"):
                screenshots(host, tmp_path, "host")
                screenshots(ann, tmp_path, "attendee")

            with step("the host removes Bob; Bob sees it and cannot come back"):
                host.once("dialog", lambda dialog: dialog.accept())
                host.get_by_role("button", name="Remove: Bob Attendee").click()
                expect(bob.get_by_role("heading", name="You were removed from this session")).to_be_visible()
                expect(bob.locator("#live-room")).to_be_hidden()
                screenshot(bob, tmp_path / "attendee-removed.png")
                expect(host.get_by_role("button", name="Remove: Bob Attendee")).to_have_count(0)
                expect(host.locator("#live-people-count")).to_have_text("People in the room: 2")
                bob.reload()
                expect(bob.get_by_role("alert")).to_contain_text("You cannot join it again.")

            with step("a lost frame is fetched again (sync) and a repeated one is shown once"):
                ann_network.lose = "Lost on the way"
                post_chat(host, "Lost on the way")
                ann_network.repeat = "Said twice"
                post_chat(host, "Said twice")
                expect(chat_line(ann, "Said twice")).to_have_count(1)
                expect(chat_line(ann, "Lost on the way")).to_have_count(1)
                ann.wait_for_timeout(500)
                expect(chat_line(ann, "Said twice")).to_have_count(1)

            with step("Ann's network drops while the host writes twice; back online she sees each once"):
                connections = ann_network.connections
                ann_network.go_down()
                expect(ann.locator("#live-connection")).to_have_text("Connection lost. Reconnecting…")
                screenshot(ann, tmp_path / "attendee-reconnecting.png")
                post_chat(host, "Back in five minutes")
                post_chat(host, "Coffee is ready")
                ann_network.come_back()
                back = re.compile(r"^(Connected again\.)?$")
                expect(ann.locator("#live-connection")).to_have_text(back, timeout=20_000)
                expect(chat_line(ann, "Back in five minutes")).to_have_count(1)
                expect(chat_line(ann, "Coffee is ready")).to_have_count(1)
                assert ann_network.connections == connections + 1
                for text in ("Hello <b>all</b>", "Public again", "Lost on the way", "Said twice"):
                    expect(chat_line(ann, text)).to_have_count(1)

            with step("the host ends the session and Ann sees it has ended"):
                host.once("dialog", lambda dialog: dialog.accept())
                host.get_by_role("button", name="End session").click()
                expect(ann.get_by_role("heading", name="The session has ended")).to_be_visible()
                expect(ann.locator("#live-room")).to_be_hidden()
                expect(host.get_by_role("heading", name="The session has ended")).to_be_visible()
                screenshot(ann, tmp_path / "attendee-ended.png")

            assert not errors, f"script errors in the pages: {errors}"
        finally:
            browser.close()
