"""Client frame types, one module per topic; importing this package registers them all."""

from rostrum.live.protocol import chat, session  # noqa: F401
