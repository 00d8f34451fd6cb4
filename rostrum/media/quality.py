"""The video quality one socket receives: what its browser asked for, and how far the server may
lower it by itself when the SFU reports the connection losing packets (``slowlink``).

Levels, lowest first: ``off`` (audio only: the SFU sends no video), ``low`` (the smallest simulcast
layer), ``high`` (the largest). The browser chooses with ``media.quality``; the server only ever
steps *down* (one level per report, at most once per ``STEP_DOWN_SECONDS`` so a change can take
effect before the next), to ``low``, or to ``off`` when the browser allowed it. Stepping back up
is the browser's call: it watches its own statistics and asks again.
"""

from dataclasses import dataclass

LEVELS = ("off", "low", "high")
STEP_DOWN_SECONDS = 5.0


@dataclass
class ReceiveQuality:
    video: str = "high"  # what the SFU is told to send now
    allow_audio_only: bool = False  # may the server go down to "off" by itself
    lowered_at: float | None = None  # when the server last stepped down (event loop time)

    def choose(self, video: str, allow_audio_only: bool) -> None:
        """The browser's request: it replaces whatever the server had lowered."""
        self.video, self.allow_audio_only, self.lowered_at = video, allow_audio_only, None

    def step_down(self, now: float) -> str | None:
        """After a ``slowlink``: the next level down, or None when there is nothing to do yet."""
        if self.lowered_at is not None and now - self.lowered_at < STEP_DOWN_SECONDS:
            return None
        lowest = "off" if self.allow_audio_only else "low"
        index = LEVELS.index(self.video)
        if index <= LEVELS.index(lowest):
            return None
        self.video, self.lowered_at = LEVELS[index - 1], now
        return self.video

    @property
    def is_default(self) -> bool:
        return self.video == "high"
