"""The whole journey in a real browser: sign up, confirm, create a webinar, join it as a guest.

Drives Debian's Chromium (never a downloaded one) through Playwright against pytest-django's live
server. Fields are found by their labels and roles, so the forms' accessibility is checked on the way.
"""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connections
from playwright.sync_api import Page, expect, sync_playwright

from conftest import PASSWORD
from rostrum.rooms.models import Room

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REFUSAL = "We could not find a room with this number and password or token."
COUNTDOWN = re.compile(r"^(\d+d )?\d\d:\d\d:\d\d$")
CONFIRMATION_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/[^\s/]+/)")


def label(text: str) -> re.Pattern:
    """A field's whole label, with or without Django's trailing colon."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def sign_up(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label(label("Email")).fill("ada@lovelace.example")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Password (again)")).fill(PASSWORD)
    page.get_by_label(label("First name")).fill("Ada")
    page.get_by_label(label("Last name")).fill("Lovelace")
    page.get_by_label(label("Business name")).fill("Analytical Engines Ltd")
    page.get_by_label(label("Country")).select_option(label="Poland")
    page.get_by_label(label("Time zone")).select_option("Europe/Warsaw")
    page.get_by_label("I am 18 years of age or older.").check()
    page.get_by_label("I am using Rostrum for a business, not as a consumer.").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()
    assert "/accounts/signup/" not in page.url, page.inner_text("main")


def confirm_email(page: Page, base_url: str, run_tasks) -> None:
    assert run_tasks() == 1  # the worker's part: deliver the queued confirmation
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == ["ada@lovelace.example"]
    match = CONFIRMATION_LINK.search(message.body)
    assert match, message.body
    page.goto(base_url + match.group(1))
    page.get_by_role("button", name=re.compile("confirm", re.IGNORECASE)).click()
    page.wait_for_load_state()
    page.goto(f"{base_url}/dashboard/")
    expect(page).to_have_url(f"{base_url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytical Engines Ltd")


def create_webinar(page: Page, base_url: str, starts_local: datetime) -> str:
    page.goto(f"{base_url}/rooms/new/")
    page.get_by_role("radio", name="Webinar").check()
    page.get_by_label(label("Name")).fill("Engines of tomorrow")
    expect(page.get_by_label(label("Permanent room"))).not_to_be_checked()
    page.get_by_label(label("Starts at")).fill(starts_local.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(label("Duration (minutes)")).fill("60")
    page.get_by_label(label("Time zone")).select_option("Europe/Warsaw")
    # Only the fields that apply are shown: the password only for password access.
    expect(page.get_by_label(label("Room password"))).to_be_hidden()
    page.get_by_role("radio", name="Password").check()
    expect(page.get_by_label(label("Room password"))).to_be_visible()
    page.get_by_role("radio", name="Open to anyone with the link or number").check()
    expect(page.get_by_label(label("Room password"))).to_be_hidden()
    page.get_by_label(label("Lobby")).check()
    page.get_by_label(label("Lobby text")).fill("Coffee is on us")
    page.get_by_role("button", name="Create the room").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base_url)}/rooms/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Engines of tomorrow")
    shown = page.locator(".room-number").inner_text().strip()
    assert re.fullmatch(r"\d{3}-\d{3}-\d{3}", shown), shown
    return shown


def watch_assets(context, failures: dict[str, str]) -> None:
    """Note every stylesheet, script, image or font the pages ask for and do not get."""
    kinds = {"stylesheet", "script", "image", "font"}

    def on_response(response):
        if response.request.resource_type in kinds and response.status >= 400:
            failures.setdefault(response.url, str(response.status))

    def on_failed(request):
        if request.resource_type in kinds:
            failures.setdefault(request.url, request.failure or "failed")

    context.on("response", on_response)
    context.on("requestfailed", on_failed)


def join_by_number(page: Page, base_url: str, number: str, name: str) -> None:
    page.goto(f"{base_url}/join/")
    page.get_by_label(label("Room number")).fill(number)
    page.get_by_label(label("Your name")).fill(name)
    page.get_by_role("button", name="Join").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_up_create_a_webinar_and_join_it_as_a_guest(live_server, monkeypatch, tmp_path, run_tasks):
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base_url = live_server.url
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    starts_local = (datetime.now(warsaw) + timedelta(days=3)).replace(second=0, microsecond=0, tzinfo=None)

    asset_failures: dict[str, str] = {}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # The organiser: signs up, confirms the address, creates a webinar.
            organiser = browser.new_context()
            organiser.set_default_timeout(15_000)
            watch_assets(organiser, asset_failures)
            page = organiser.new_page()
            sign_up(page, base_url)
            confirm_email(page, base_url, run_tasks)
            shown_number = create_webinar(page, base_url, starts_local)

            room = Room.objects.get(name="Engines of tomorrow")
            assert room.number == shown_number.replace("-", "")
            assert (room.room_type, room.access_type, room.timezone) == ("webinar", "open", "Europe/Warsaw")
            assert room.starts_at == starts_local.replace(tzinfo=warsaw)
            assert room.duration_minutes == 60
            assert room.lobby_enabled and room.lobby_description == "Coffee is on us"

            # A guest, in a fresh context with no login: joins by number and waits in the lobby.
            guest = browser.new_context()
            guest.set_default_timeout(15_000)
            watch_assets(guest, asset_failures)
            page = guest.new_page()
            join_by_number(page, base_url, shown_number, "Ada Attendee")
            expect(page).to_have_url(f"{base_url}/r/{room.account.slug}/{room.slug}/lobby/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Engines of tomorrow")
            expect(page.get_by_role("heading", name="Welcome, Ada Attendee")).to_be_visible()
            expect(page.get_by_text("Coffee is on us")).to_be_visible()
            expect(page.get_by_text("Your organiser: Ada Lovelace (Analytical Engines Ltd)")).to_be_visible()
            page.screenshot(path=tmp_path / "lobby.png", full_page=True)
            assert not asset_failures, f"the pages' own stylesheet, script or images did not load: {asset_failures}"
            countdown = page.locator("[data-countdown]")
            expect(countdown).to_have_attribute("role", "timer")
            value = countdown.locator(".countdown-value")
            expect(value).to_have_text(COUNTDOWN)
            assert value.inner_text().startswith(("2d ", "3d ")), value.inner_text()
            first = value.inner_text()
            expect(value).not_to_have_text(first, timeout=5_000)  # it ticks
            page.screenshot(path=tmp_path / "lobby.png", full_page=True)  # with the countdown filled in

            # A wrong number gets the same refusal as a wrong secret, and the guest stays on /join/.
            wrong = "987654321" if room.number != "987654321" else "123456789"
            join_by_number(page, base_url, wrong, "Ada Attendee")
            expect(page).to_have_url(f"{base_url}/join/")
            expect(page.get_by_role("alert")).to_contain_text(REFUSAL)
            expect(page.get_by_label(label("Room number"))).to_have_value(wrong)
            page.screenshot(path=tmp_path / "join-refused.png", full_page=True)
            assert not asset_failures, asset_failures
        finally:
            browser.close()
            # With Playwright's loop running, Django kept the ORM connection used above in a context-local
            # slot that pytest-django does not know about; left open, PostgreSQL cannot drop the test database.
            connections.close_all()
