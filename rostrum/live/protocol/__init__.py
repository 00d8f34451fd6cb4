"""Client frame types, one module per topic; importing this package registers them all."""

from rostrum.live.protocol import chat, cta, hands, media, polls, presentations, qa, session  # noqa: F401
