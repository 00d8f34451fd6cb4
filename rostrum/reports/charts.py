"""Bar charts as geometry for an inline SVG (``reports/_bar_chart.html``): no JavaScript, and the
same numbers are always offered as a table beside the picture."""

import math
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 240
LEFT = 44  # room for the value axis labels
RIGHT = 8
TOP = 12
BOTTOM = 36  # room for the time axis labels
MAX_AXIS_LABELS = 8
GRID_LINES = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class BarChart:
    slug: str  # unique in the page: the SVG's title and desc ids derive from it
    title: str
    description: str
    value_label: str  # the table's column heading for the values
    point_label: str  # the table's column heading for the labels
    bars: list[Bar]
    value_ticks: list[Tick]
    label_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT


def nice_step(maximum: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving at most GRID_LINES lines up to ``maximum``."""
    raw = max(maximum / GRID_LINES, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def bar_chart(
    slug: str, title: str, description: str, points: list[tuple[str, int]], *, point_label: str, value_label: str
) -> BarChart:
    """Bars for (label, value) points, scaled to the tallest, with round value gridlines."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = nice_step(max((value for _label, value in points), default=0))
    top = step * math.ceil(max((v for _l, v in points), default=1) / step) or step
    slot = plot_width / max(len(points), 1)
    gap = min(slot * 0.2, 4)
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        x = LEFT + index * slot + gap / 2
        bars.append(
            Bar(round(x, 2), round(TOP + plot_height - height, 2), round(slot - gap, 2), round(height, 2), label, value)
        )
    value_ticks = [Tick(round(TOP + plot_height - plot_height * v / top, 2), str(v)) for v in range(0, top + 1, step)]
    every = max(1, math.ceil(len(points) / MAX_AXIS_LABELS))
    label_ticks = [
        Tick(round(LEFT + (i + 0.5) * slot, 2), label) for i, (label, _v) in enumerate(points) if i % every == 0
    ]
    return BarChart(slug, title, description, value_label, point_label, bars, value_ticks, label_ticks)
