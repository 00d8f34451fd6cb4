"""Per-participant limits on frames that change nothing kept (the pointer), in this process's memory.

A token bucket per (participant, frame type): ``count`` frames at once, refilled at ``count`` per
``seconds``. Nothing touches the database: a pointer frame must stay cheap, and a participant's
frames reach one process per socket anyway (a second tab in another process gets its own bucket,
which is acceptable for an ephemeral frame). All calls come from one event loop: no lock needed.
"""

import time
from dataclasses import dataclass

PRUNE_ABOVE = 10_000  # buckets kept before the full (idle) ones are dropped


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float


class FrameRateLimiter:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.buckets: dict[tuple[int, str], tuple[float, float]] = {}  # key → (tokens, last refill)

    def allow(self, participant_id: int, frame_type: str, rate: Rate) -> bool:
        """Take one token for this frame; False when the participant is over the rate."""
        now = self.clock()
        key = (participant_id, frame_type)
        tokens, last = self.buckets.get(key, (float(rate.count), now))
        tokens = min(float(rate.count), tokens + (now - last) * rate.count / rate.seconds)
        allowed = tokens >= 1
        self.buckets[key] = (tokens - 1 if allowed else tokens, now)
        if len(self.buckets) > PRUNE_ABOVE:
            self._prune(now, rate.seconds)
        return allowed

    def _prune(self, now: float, seconds: float) -> None:
        """Forget buckets idle long enough to be full again: they would start full anyway."""
        self.buckets = {key: value for key, value in self.buckets.items() if now - value[1] < seconds}


_limiter = FrameRateLimiter()


def get_frame_limiter() -> FrameRateLimiter:
    return _limiter


def reset_frame_limiter() -> None:
    global _limiter
    _limiter = FrameRateLimiter()
