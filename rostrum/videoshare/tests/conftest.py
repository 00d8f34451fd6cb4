"""Video sharing tests share the live room's fixtures (its consumers, hub and the ``webinar`` fixture)."""

from rostrum.live.tests.conftest import _close_clients, _fresh_live_state, webinar  # noqa: F401
