"""Registration in a real browser: register on the public page, receive the e-mail over real SMTP,
open the personal link in a fresh browser, and arrive in the room under one's own name.

The same set-up as ``rostrum/live/tests/test_browser_live_room.py`` (uvicorn serving rostrum.asgi in
a subprocess, on the test's database), plus what e-mail needs in production: a Huey worker process
(``manage.py run_huey``) delivering through Django's SMTP backend to an aiosmtpd server in this
process, and ``ROSTRUM_SITE_URL`` so links in e-mails point at the server.
"""

import email
import email.policy
import json
import re
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from playwright.sync_api import expect, sync_playwright

from conftest import free_port
from rostrum.live.tests.test_browser_live_room import (
    SCREEN_DESKTOP,
    SCREEN_PHONE,
    SERVER_START_SECONDS,
    database_url_for_server,
    migrated_sqlite,  # noqa: F401 — a fixture database_url_for_server asks for
    run_python,
    server_env,
    server_var_dir,  # noqa: F401 — a fixture
)
from rostrum.rooms.tests.test_browser_journey import CHROMIUM, CHROMIUM_ARGS, label

MODULE = "rostrum.registration.tests.test_browser_registration"
LINK = re.compile(r"(https?://\S+/registrant/\S+/)")


def seed() -> None:
    """Run in a subprocess with the server's settings: a room with registration on."""
    from conftest import make_owner
    from rostrum.registration.tests.factories import make_registration_room
    from rostrum.rooms.tests.factories import make_room

    owner = make_owner("hanna@engines.example", "Analytical Engines Ltd")
    room = make_room(owner, name="Engines of tomorrow", description="1. Gears\n2. Punched cards")
    make_registration_room(owner, room=room, consent_text="I agree to receive e-mails about this webinar.")
    print(json.dumps({"path": f"/r/{room.account.slug}/{room.slug}/", "starts_at": room.starts_at.isoformat()}))


def participant_emails() -> None:
    from rostrum.rooms.models import Participant

    print(json.dumps(list(Participant.objects.values_list("display_name", "email"))))


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def wait_for(self, to: str, seconds: float = 30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.received:
                if message["To"] == to:
                    return message
            time.sleep(0.2)
        raise AssertionError(f"no e-mail to {to}; received {[m['Subject'] for m in self.received]}")


@contextmanager
def process(args, env, log_path):
    with log_path.open("w") as log:
        child = subprocess.Popen(  # noqa: S603 — our own interpreter, arguments written here
            [sys.executable, *args], cwd=env["PWD_FOR_TESTS"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        print(f"--- {args[1]} log ---\n{log_path.read_text()[-4000:]}")


@pytest.fixture
def registration_server(request, transactional_db, server_var_dir, tmp_path):  # noqa: F811
    """uvicorn and a Huey worker on the test's database, mail to aiosmtpd: (base URL, room, inbox, env)."""
    from django.conf import settings

    inbox, smtp_port, port = Inbox(), free_port(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(server_var_dir, database_url_for_server(request, tmp_path))
    env.update(
        ROSTRUM_SITE_URL=base_url,
        ROSTRUM_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ROSTRUM_EMAIL_HOST="127.0.0.1",
        ROSTRUM_EMAIL_PORT=str(smtp_port),
        PWD_FOR_TESTS=str(settings.BASE_DIR),
    )
    room = json.loads(run_python(env, "-c", f"import django; django.setup(); from {MODULE} import seed; seed()"))
    uvicorn = ["-m", "uvicorn", "rostrum.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    worker = ["manage.py", "run_huey", "--workers", "1", "--delay", "0.1", "--max-delay", "0.5"]
    try:
        with (
            process([*uvicorn, "--lifespan", "off", "--log-level", "warning"], env, tmp_path / "uvicorn.log") as web,
            process(worker, env, tmp_path / "huey.log"),
        ):
            deadline = time.monotonic() + SERVER_START_SECONDS
            while True:
                assert web.poll() is None, (tmp_path / "uvicorn.log").read_text()
                try:
                    with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310 — our http URL
                        break
                except OSError:
                    assert time.monotonic() < deadline, (tmp_path / "uvicorn.log").read_text()
                    time.sleep(0.2)
            yield base_url, room, inbox, env
    finally:
        smtp.stop()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_then_open_the_emailed_link_and_arrive_in_the_room_by_name(registration_server):
    base_url, room, inbox, env = registration_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            phone = browser.new_context(viewport=SCREEN_PHONE, timezone_id="America/New_York")
            phone.set_default_timeout(10_000)
            page = phone.new_page()
            page.goto(f"{base_url}{room['path']}")  # the room's own address leads to registration
            expect(page).to_have_url(re.compile(r"/register/$"))
            expect(page.get_by_role("heading", level=1)).to_have_text("Engines of tomorrow")
            expect(page.get_by_text("Punched cards")).to_be_visible()
            expect(page.get_by_text(re.compile(r"Your time: .*America/New_York"))).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN_PHONE["width"]

            page.get_by_label(label("First name *")).fill("Ada")
            page.get_by_label(label("Last name *")).fill("Lovelace")
            page.get_by_label(label("E-mail address *")).fill("ada@lovelace.example")
            page.get_by_role("button", name="Register").click()
            expect(page.get_by_role("alert")).to_contain_text("Please correct the marked fields.")
            expect(page.get_by_label(label("Last name *"))).to_have_value("Lovelace")
            page.get_by_label("I agree to receive e-mails about this webinar.").check()
            page.get_by_role("button", name="Register").click()
            expect(page.get_by_role("heading", name="Thank you for registering")).to_be_visible()

            message = inbox.wait_for("ada@lovelace.example")
            body = message.get_body(preferencelist=("plain",)).get_content()
            assert "America/New_York" in body
            link = LINK.search(body).group(1)
            assert link.startswith(f"{base_url}{room['path']}registrant/")
            calendar = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
            event = Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
            assert event.decoded("dtstart") == datetime.fromisoformat(room["starts_at"])

            laptop = browser.new_context(viewport=SCREEN_DESKTOP)  # another device: no cookies of the first
            laptop.set_default_timeout(10_000)
            lobby = laptop.new_page()
            lobby.goto(link)
            expect(lobby).to_have_url(re.compile(r"/lobby/$"))
            expect(lobby.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
        finally:
            browser.close()
    script = f"import django; django.setup(); from {MODULE} import participant_emails; participant_emails()"
    assert json.loads(run_python(env, "-c", script)) == [["Ada Lovelace", "ada@lovelace.example"]]
