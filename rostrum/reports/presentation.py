"""Charts for report pages: labels in the room's (or account's) time zone, words for the desc."""

import zoneinfo
from datetime import timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rostrum.reports.charts import BarChart, bar_chart
from rostrum.reports.dashboard import AccountDashboard
from rostrum.reports.formatting import format_duration
from rostrum.reports.session_data import SessionReport


def attendance_chart(report: SessionReport) -> BarChart | None:
    """Participants connected per bucket; None when nobody connected."""
    series = report.attendance_series
    if not series:
        return None
    zone = zoneinfo.ZoneInfo(report.room.timezone)
    label_format = "j M" if report.bucket_size >= timedelta(days=1) else "H:i"
    points = [(date_format(b.starts_at.astimezone(zone), label_format), b.connected) for b in series]
    description = _(
        "Participants connected in each period of %(size)s, from %(first)s to %(last)s (%(zone)s). "
        "At most %(peak)d were connected at once."
    ) % {
        "size": format_duration(report.bucket_size),
        "first": points[0][0],
        "last": date_format((series[-1].starts_at + report.bucket_size).astimezone(zone), label_format),
        "zone": report.room.timezone,
        "peak": report.summary.peak_concurrent,
    }
    return bar_chart(
        "attendance-chart",
        _("Attendance over time"),
        description,
        points,
        point_label=_("From"),
        value_label=_("Connected"),
    )


def weekly_charts(figures: AccountDashboard) -> list[BarChart]:
    """Sessions per week and attendees per week, labelled with each week's Monday."""
    labels = [date_format(week.starts_on, "j M") for week in figures.weeks]
    period = {"first": labels[0], "last": labels[-1]} if labels else {"first": "", "last": ""}
    sessions = [(label, week.sessions) for label, week in zip(labels, figures.weeks, strict=True)]
    attendees = [(label, week.attendees) for label, week in zip(labels, figures.weeks, strict=True)]
    return [
        bar_chart(
            "sessions-chart",
            _("Sessions per week"),
            _("Sessions held each week, from the week of %(first)s to the week of %(last)s.") % period,
            sessions,
            point_label=_("Week of"),
            value_label=_("Sessions"),
        ),
        bar_chart(
            "attendees-chart",
            _("Attendees per week"),
            _("Attendees who connected each week, from the week of %(first)s to the week of %(last)s.") % period,
            attendees,
            point_label=_("Week of"),
            value_label=_("Attendees"),
        ),
    ]
