"""Interval arithmetic behind durations, concurrency and the attendance chart (no database)."""

from datetime import UTC, datetime, timedelta

from rostrum.reports.charts import bar_chart, nice_step
from rostrum.reports.intervals import bucket_size, connected_per_bucket, merged, peak_concurrent, total

T0 = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def span(start: float, end: float):
    return (at(start), at(end))


def test_overlapping_and_touching_connections_merge():
    assert merged([span(25, 40), span(2, 30), span(40, 45), span(50, 50)]) == [span(2, 45)]
    assert total([span(0, 10), span(5, 15), span(20, 21)]) == timedelta(minutes=16)
    assert total([]) == timedelta()


def test_one_leaving_as_another_arrives_is_not_an_overlap():
    assert peak_concurrent([[span(0, 10)], [span(10, 20)]]) == 1
    assert peak_concurrent([[span(0, 10)], [span(9, 20)], [span(9.5, 9.6)]]) == 3
    assert peak_concurrent([[span(0, 10), span(5, 15)]]) == 1  # two tabs, one person
    assert peak_concurrent([]) == 0


def test_long_sessions_get_larger_buckets():
    assert bucket_size(at(0), at(90)) == timedelta(minutes=1)
    assert bucket_size(at(0), at(91)) == timedelta(minutes=2)
    assert bucket_size(at(0), at(8 * 60)) == timedelta(minutes=10)
    size, buckets = connected_per_bucket([[span(0, 300)], [span(100, 101)]])
    assert size == timedelta(minutes=5) and len(buckets) == 60
    assert [b.connected for b in buckets[19:22]] == [1, 2, 1]


def test_buckets_start_on_the_minute_of_the_first_join():
    size, buckets = connected_per_bucket([[(at(0.5), at(2.25))]])
    assert size == timedelta(minutes=1)
    assert [(b.starts_at, b.connected) for b in buckets] == [(at(0), 1), (at(1), 1), (at(2), 1)]
    assert connected_per_bucket([[]]) == (timedelta(minutes=1), [])


def test_bar_chart_scales_to_round_gridlines():
    assert [nice_step(n) for n in (0, 3, 4, 9, 40, 170)] == [1, 1, 1, 5, 10, 50]
    chart = bar_chart("c", "Title", "Desc", [("a", 2), ("b", 4), ("c", 0)], point_label="P", value_label="V")
    assert [tick.text for tick in chart.value_ticks] == ["0", "1", "2", "3", "4"]
    tallest = chart.bars[1]
    assert tallest.y + tallest.height == chart.baseline and tallest.y == chart.value_ticks[-1].position
    assert chart.bars[0].height == tallest.height / 2 and chart.bars[2].height == 0
