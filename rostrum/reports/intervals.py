"""Time connected, from connections seen as intervals: pure arithmetic, no database.

A person may be connected from two tabs at once; their intervals are merged first, so overlapping
connections count once, in durations as in concurrency.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

Interval = tuple[datetime, datetime]

# The chart's bucket grows with the session so that it never has more than MAX_BUCKETS bars.
BUCKET_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 240, 720, 1440)
MAX_BUCKETS = 90


@dataclass(frozen=True)
class Bucket:
    starts_at: datetime
    connected: int


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of intervals as disjoint ones, in order; empty or reversed intervals are dropped."""
    result: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def total(intervals: Iterable[Interval]) -> timedelta:
    return sum((end - start for start, end in merged(intervals)), timedelta())


def peak_concurrent(people: Sequence[Sequence[Interval]]) -> int:
    """Most people connected at the same instant; one leaving as another arrives is not an overlap."""
    changes = sorted(
        (moment, step) for person in people for start, end in merged(person) for moment, step in ((start, 1), (end, -1))
    )
    peak = current = 0
    for _moment, step in changes:  # at equal moments -1 sorts first: a departure before an arrival
        current += step
        peak = max(peak, current)
    return peak


def bucket_size(start: datetime, end: datetime) -> timedelta:
    """One minute for a short session; a larger round size when a minute would make too many bars."""
    for minutes in BUCKET_MINUTES:
        size = timedelta(minutes=minutes)
        if (end - start) / size <= MAX_BUCKETS:
            return size
    return timedelta(minutes=BUCKET_MINUTES[-1])


def connected_per_bucket(people: Sequence[Sequence[Interval]]) -> tuple[timedelta, list[Bucket]]:
    """(bucket size, how many people were connected at some time in each bucket), from the first join.

    Buckets start on the whole minute of the first connection and end after the last one closes.
    """
    everyone = [merged(person) for person in people]
    spans = [interval for person in everyone for interval in person]
    if not spans:
        return timedelta(minutes=1), []
    first = min(start for start, _end in spans).replace(second=0, microsecond=0)
    last = max(end for _start, end in spans)
    size = bucket_size(first, last)
    count = -(-(last - first) // size)  # ceiling division
    present = [0] * count
    for person in everyone:
        touched = set()
        for start, end in person:
            touched.update(range((start - first) // size, -(-(end - first) // size)))
        for index in touched:
            present[index] += 1
    return size, [Bucket(first + index * size, connected) for index, connected in enumerate(present)]
