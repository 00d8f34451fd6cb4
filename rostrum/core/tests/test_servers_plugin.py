"""The real-server plugin (rostrum.core.testing.servers) serves any test module that names its fixtures."""

import json
import urllib.request

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asgi_server_is_available_by_name_and_serves_the_seeded_room(asgi_server):
    base_url, room = asgi_server  # no import: the fixture comes from the plugin in conftest.py
    with urllib.request.urlopen(f"{base_url}/healthz", timeout=10) as response:  # noqa: S310 — our http URL
        assert response.status == 200
        assert json.loads(response.read())
    with urllib.request.urlopen(base_url + room["path"], timeout=10) as response:  # noqa: S310
        assert response.status == 200 and "Engines live" in response.read().decode()


def test_the_old_import_path_still_gives_the_same_objects():
    from rostrum.core.testing import servers
    from rostrum.live.tests import test_browser_live_room as old

    for name in ("asgi_server", "server_var_dir", "migrated_sqlite", "log_in", "step", "STEPS_DONE", "seed"):
        assert getattr(old, name) is getattr(servers, name), name
