"""A real server for tests that need one: uvicorn serving ``rostrum.asgi`` in a subprocess.

A pytest plugin (``pytest_plugins`` in the root conftest.py), so every test module may use the
fixtures by name: ``asgi_server`` (uvicorn on a free port with a seeded room; another seed function
by indirect parametrisation, ``"<module>:<function>"``), ``server_var_dir`` and
``migrated_sqlite`` (once per run), and the helpers ``run_python``, ``server_env``,
``database_url_for_server``, ``log_in``, ``step``/``STEPS_DONE`` and ``screenshots``. Why a
subprocess, and how the server reaches the test's database, is told in
``rostrum/live/tests/test_browser_live_room.py`` (which still re-exports these names).

Playwright is imported only by the helpers that drive a page, so loading the plugin costs nothing
for the other tests.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

HOST_EMAIL = "hanna@engines.example"
SCREEN_PHONE = {"width": 390, "height": 844}
SCREEN_DESKTOP = {"width": 1280, "height": 900}
SERVER_START_SECONDS = 30
# Where a bare seeder name (``"seed_meeting"``) is looked up: the module these fixtures came from,
# which re-exports ``seed`` and ``seed_meeting`` and may define more.
DEFAULT_SEED_MODULE = "rostrum.live.tests.test_browser_live_room"


def seed(**room_fields) -> None:
    """Run in a subprocess with the server's settings: prints the room's number and address."""
    from conftest import make_owner
    from rostrum.rooms.tests.factories import make_room

    owner = make_owner(HOST_EMAIL, "Analytical Engines Ltd")
    owner.user.first_name, owner.user.last_name = "Hanna", "Host"
    owner.user.save(update_fields=["first_name", "last_name"])
    room = make_room(owner, name="Engines live", lobby_description="Coffee is on us", **room_fields)
    print(json.dumps({"number": room.number, "path": f"/r/{room.account.slug}/{room.slug}/"}))


def seed_meeting() -> None:
    seed(room_type="meeting")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_python(env: dict, *args: str) -> str:
    # S603: our own interpreter, with arguments written in this file.
    done = subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def server_env(var_dir: Path, database_url: str) -> dict:
    env = {**os.environ, "ROSTRUM_VAR_DIR": str(var_dir), "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@pytest.fixture(scope="session")
def server_var_dir(tmp_path_factory) -> Path:
    """The server's var folder: its secret key, and the static files collected once per run."""
    var_dir = tmp_path_factory.mktemp("asgi-var")
    run_python(server_env(var_dir, "sqlite:///unused"), "manage.py", "collectstatic", "--noinput", "-v0")
    return var_dir


@pytest.fixture(scope="session")
def migrated_sqlite(server_var_dir, tmp_path_factory) -> Path:
    """A migrated SQLite file, made once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("asgi-db") / "template.sqlite3"
    run_python(server_env(server_var_dir, f"sqlite:///{path}"), "manage.py", "migrate", "--noinput", "-v0")
    return path


def database_url_for_server(request, tmp_path) -> str:
    """The test's own database where another process can open it, else a fresh SQLite file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        from urllib.parse import quote

        credentials = quote(db["USER"] or "")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"])
        return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    assert connection.vendor == "sqlite", connection.vendor
    template = request.getfixturevalue("migrated_sqlite")
    path = tmp_path / "live.sqlite3"
    for suffix in ("", "-wal"):  # WAL mode: a write-ahead log left behind holds part of the database
        if Path(f"{template}{suffix}").exists():
            shutil.copy(f"{template}{suffix}", f"{path}{suffix}")
    return f"sqlite:///{path}"


@pytest.fixture
def asgi_server(request, transactional_db, server_var_dir, tmp_path):
    """uvicorn serving rostrum.asgi on a free port; yields (base URL, the seeded room)."""
    env = server_env(server_var_dir, database_url_for_server(request, tmp_path))
    # Another seed function (indirect parametrisation): of this module, or "<module>:<function>".
    seeder = getattr(request, "param", "seed")
    module = DEFAULT_SEED_MODULE
    if ":" in seeder:
        module, seeder = seeder.split(":")
    script = f"import django; django.setup(); from {module} import {seeder}; {seeder}()"
    room = json.loads(run_python(env, "-c", script).strip().splitlines()[-1])
    port = free_port()
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("w") as log:
        uvicorn = ["-m", "uvicorn", "rostrum.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
        server = subprocess.Popen(  # noqa: S603 — as in run_python
            [sys.executable, *uvicorn, "--lifespan", "off", "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310 — our http URL
                    break
            except OSError:
                assert time.monotonic() < deadline, "uvicorn did not answer:\n" + log_path.read_text()
                time.sleep(0.2)
        yield base_url, room
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        # pytest shows this only for a failed test: what the server said.
        print(f"--- uvicorn log ({log_path}) ---\n{log_path.read_text()[-5000:]}")


STEPS_DONE: list[str] = []


@contextmanager
def step(name: str):
    """Name the journey's step in the failure, and list the steps that passed before it."""
    try:
        yield
    except BaseException as error:
        done = "".join(f"\n  ✓ {s}" for s in STEPS_DONE)
        raise AssertionError(f"step failed: {name}{done}\n  ✗ {name}: {error}") from error
    STEPS_DONE.append(name)


def log_in(page, base_url: str, email: str) -> None:
    """Sign in on the login page as a person made by ``conftest.make_owner`` (its password)."""
    from conftest import PASSWORD
    from rostrum.rooms.tests.test_browser_journey import label

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.inner_text("main")


def screenshot(page, path: Path) -> None:
    page.screenshot(path=path, full_page=True)
    if os.environ.get("LIVE_ROOM_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["LIVE_ROOM_SCREENSHOTS"]) / path.name)


def screenshots(page, tmp_path: Path, name: str) -> None:
    """The room at a desktop width and at a 390px phone width (one column)."""
    screenshot(page, tmp_path / f"{name}-desktop.png")
    page.set_viewport_size(SCREEN_PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, tmp_path / f"{name}-phone.png")
    page.set_viewport_size(SCREEN_DESKTOP)
    assert width <= SCREEN_PHONE["width"], f"{name}: the page scrolls sideways on a phone ({width}px)"


class BrowserPages:
    """One Chromium; ``open(name)`` gives a page in a context of its own (another person)."""

    def __init__(self, browser, timeout_ms: int, on_context=None):
        self.browser = browser
        self.timeout_ms = timeout_ms
        self.on_context = on_context
        self.errors: list[str] = []

    def open(self, name: str):
        context = self.browser.new_context(viewport=SCREEN_DESKTOP)
        context.set_default_timeout(self.timeout_ms)
        if self.on_context is not None:
            self.on_context(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{name}: {error}"))
        return page


@contextmanager
def browser_pages(*extra_args: str, timeout_ms: int = 10_000, on_context=None):
    """Debian's Chromium for a journey: yields ``BrowserPages``; ``on_context(context)`` prepares each
    new context (routes, say). A script error in any page fails the test at the end."""
    from playwright.sync_api import sync_playwright

    from rostrum.rooms.tests.test_browser_journey import CHROMIUM, CHROMIUM_ARGS

    STEPS_DONE.clear()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args], headless=True
        )
        pages = BrowserPages(browser, timeout_ms, on_context)
        try:
            yield pages
        finally:
            browser.close()
    assert not pages.errors, f"script errors in the pages: {pages.errors}"


def start_session(host, base_url: str, room: dict) -> None:
    """The host logs in, enters the room and starts the session."""
    from playwright.sync_api import expect

    log_in(host, base_url, HOST_EMAIL)
    host.goto(base_url + room["path"])
    host.get_by_role("button", name="Enter").click()
    host.get_by_role("button", name="Start session").click()
    expect(host.locator("#live-state")).to_have_text("Live")
