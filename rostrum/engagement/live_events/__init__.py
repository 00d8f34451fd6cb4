"""Snapshot parts and reducers for what happens inside a session, one module per topic."""

from rostrum.engagement.live_events import chat, cta, hands, polls, presentations, qa  # noqa: F401
