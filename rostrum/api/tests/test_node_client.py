"""A real, public ClickMeeting client library against a real Rostrum server.

``clients/node/exercise.js`` uses the npm package ``clickmeeting-node-api@1.0.7`` unchanged, with
only the base URL and the key pointing at Rostrum: it creates a room, asks for an auto-login hash,
switches registration on, registers a person, lists the sessions and reads the room back. The
server is uvicorn on the test's database, set up as in rostrum/live/tests/test_browser_live_room.py;
what the script printed and what the database holds are both checked.

Marked ``browser`` with the other real-server tests (it needs ``scripts/setup test``: Node, npm and
``clients/node/node_modules``).
"""

import http.cookiejar
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from conftest import free_port
from rostrum.live.tests.test_browser_live_room import (
    SERVER_START_SECONDS,
    database_url_for_server,
    migrated_sqlite,  # noqa: F401 — a fixture database_url_for_server asks for
    run_python,
    server_env,
    server_var_dir,  # noqa: F401 — a fixture
)

MODULE = "rostrum.api.tests.test_node_client"
NODE_CLIENT = Path(settings.BASE_DIR) / "clients" / "node"


def seed() -> None:
    """Run in a subprocess with the server's settings: an owner on the business plan, and their key."""
    from conftest import make_owner
    from rostrum.accounts.actions import do_create_api_key
    from rostrum.api.tests.conftest import use_plan

    owner = make_owner("hanna@engines.example", "Analytical Engines Ltd")
    use_plan(owner.account, "business")
    _key, secret = do_create_api_key(owner, "Node client")
    print(json.dumps({"key": secret, "account": owner.account.slug}))


def database_state() -> None:
    from rostrum.registration.models import Registrant, RegistrationSettings
    from rostrum.rooms.models import Participant, Room

    room = Room.objects.get()
    print(
        json.dumps(
            {
                "room": [room.pk, room.name, room.room_type, room.is_permanent, room.access_type, room.account.slug],
                "registration_enabled": RegistrationSettings.objects.get(room=room).enabled,
                "registrants": list(Registrant.objects.values_list("first_name", "last_name", "email", "room_id")),
                "participants": list(Participant.objects.values_list("display_name", "email", "role")),
            }
        )
    )


@pytest.fixture
def api_server(request, transactional_db, server_var_dir, tmp_path):  # noqa: F811
    """uvicorn on the test's database: (base URL, env, the seeded key and account slug)."""
    if shutil.which("node") is None or not (NODE_CLIENT / "node_modules" / "clickmeeting-node-api").is_dir():
        pytest.fail("Node or clients/node/node_modules is missing: run scripts/setup test")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(server_var_dir, database_url_for_server(request, tmp_path))
    env.update(ROSTRUM_SITE_URL=base_url, ROSTRUM_API_RATE="1000/min")
    seeded = json.loads(run_python(env, "-c", f"import django; django.setup(); from {MODULE} import seed; seed()"))
    log_path = tmp_path / "uvicorn.log"
    uvicorn = ["-m", "uvicorn", "rostrum.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 — our own interpreter, arguments written here
            [sys.executable, *uvicorn, "--lifespan", "off", "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310 — our http URL
                    break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        yield base_url, env, seeded
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        print(f"--- uvicorn log ---\n{log_path.read_text()[-4000:]}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_clickmeeting_node_client_works_unchanged_against_rostrum(api_server):
    base_url, env, seeded = api_server
    done = subprocess.run(  # noqa: S603 — node, with our own script
        [shutil.which("node"), "exercise.js"],
        cwd=NODE_CLIENT,
        env={**env, "ROSTRUM_API_BASE": f"{base_url}/api/v1/", "ROSTRUM_API_KEY": seeded["key"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for name, result in results.items():
        assert result["status"] in (200, 201), (name, result)
        assert result["contentType"].startswith("application/json"), (name, result)

    room = results["addConference"]["body"]["room"]
    assert room["name"] == "Node webinar" and room["room_type"] == "webinar"
    assert room["permanent_room"] is True and room["access_type"] == 1 and room["status"] == "active"
    assert room["room_url"] == f"{base_url}/r/{seeded['account']}/node-webinar/"

    autologin_hash = results["conferenceAutologinHash"]["body"]["autologin_hash"]
    assert results["editConference"]["body"]["conference"]["registration_enabled"] == 1
    registration = results["addConferenceRegistration"]["body"]
    assert registration["status"] == "OK" and registration["url"].startswith(room["room_url"])
    assert results["conferenceSessions"]["body"] == []  # nobody has started the room yet
    assert results["conference"]["body"]["conference"]["id"] == room["id"]
    assert results["conference"]["body"]["conference"]["registration_enabled"] == 1
    assert [c["id"] for c in results["conferences"]["body"]] == [room["id"]]

    # The hash the client got is a working join link on the same server: a presenter named Grace.
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(f"{room['room_url']}?l={autologin_hash}", timeout=10) as response:
        assert urlsplit(response.url).path == f"/r/{seeded['account']}/node-webinar/lobby/"
        assert "Welcome, Grace Hopper" in response.read().decode()

    state = json.loads(
        run_python(env, "-c", f"import django; django.setup(); from {MODULE} import database_state; database_state()")
    )
    assert state["room"] == [room["id"], "Node webinar", "webinar", True, "open", seeded["account"]]
    assert state["registration_enabled"] is True
    assert state["registrants"] == [["Ada", "Lovelace", "ada@example.com", room["id"]]]
    assert state["participants"] == [["Grace Hopper", "grace@example.com", "presenter"]]
