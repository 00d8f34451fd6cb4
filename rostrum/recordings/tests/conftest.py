"""Recording tests share the live room's fixtures (its consumers, hub and the ``webinar`` fixture)."""

from rostrum.live.tests.conftest import _close_clients, _fresh_live_state, webinar  # noqa: F401
from rostrum.media.tests.conftest import _forget_relays  # noqa: F401
