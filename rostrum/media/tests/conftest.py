"""Media tests share the live room's fixtures (its consumers, hub and the ``webinar`` fixture)."""

import pytest

from rostrum.live.tests.conftest import _close_clients, _fresh_live_state, webinar  # noqa: F401
from rostrum.media import cascade


@pytest.fixture(autouse=True)
def _forget_relays():
    """Relays this process made are remembered by publication id: ids start again in each test's database."""
    cascade.forget_relays()
    yield
    cascade.forget_relays()
