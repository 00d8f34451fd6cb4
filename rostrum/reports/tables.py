"""A session report as tables: one per section, the shape CSV and XLSX exports write.

Column keys are stable English codes (what scripts read in a CSV header); labels are translated
(what people read in a spreadsheet). Times are in the room's time zone.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from rostrum.reports.session_data import SessionReport

Cell = str | int | float | datetime | timedelta | None


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[list[Cell]]


def session_tables(report: SessionReport) -> list[Table]:
    zone = zoneinfo.ZoneInfo(report.room.timezone)

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone) if moment else None

    tables = [
        summary_table(report),
        attendees_table(report, local),
        chat_table(report, local),
        questions_table(report, local),
        polls_table(report),
        calls_to_action_table(report, local),
        attendance_table(report, local),
    ]
    if report.absent_registrants is not None:
        tables.insert(2, absent_table(report, local))
    return tables


def table_by_slug(report: SessionReport, slug: str) -> Table | None:
    return next((table for table in session_tables(report) if table.slug == slug), None)


def summary_table(report: SessionReport) -> Table:
    summary = report.summary
    rows = [
        ["participants_connected", _("Participants who connected"), summary.participants_connected],
        ["attendees_connected", _("Attendees who connected"), summary.attendees_connected],
        ["peak_concurrent", _("Most connected at once"), summary.peak_concurrent],
        ["average_time_attended", _("Average time attended"), summary.average_time_attended],
    ]
    for key, label, share in (
        ("chatted_percent", _("Attendees who wrote in the chat (%)"), summary.chatted),
        ("asked_percent", _("Attendees who asked a question (%)"), summary.asked),
        ("voted_percent", _("Attendees who voted (%)"), summary.voted),
        ("clicked_percent", _("Attendees who clicked a call to action (%)"), summary.clicked),
    ):
        rows.append([key, label, share.percent])
    columns = [("figure", _("Figure")), ("label", _("Description")), ("value", _("Value"))]
    return Table("summary", _("Summary"), columns, rows)


def attendees_table(report: SessionReport, local) -> Table:
    columns = [
        ("name", _("Name")),
        ("email", _("E-mail")),
        ("role", _("Role")),
        ("first_joined", _("First joined")),
        ("last_left", _("Last left")),
        ("time_connected", _("Time connected")),
        ("connections", _("Connections")),
        ("browser", _("Browser")),
    ]
    rows = [
        [
            a.name,
            a.email,
            a.role,
            local(a.first_joined_at),
            local(a.last_left_at),
            a.time_connected,
            a.connections,
            a.browsers,
        ]
        for a in report.attendees
    ]
    return Table("attendees", _("Attendees"), columns, rows)


def absent_table(report: SessionReport, local) -> Table:
    columns = [("name", _("Name")), ("email", _("E-mail")), ("status", _("Status")), ("registered", _("Registered"))]
    rows = [[r.name, r.email, r.status, local(r.registered_at)] for r in report.absent_registrants or []]
    return Table("absent_registrants", _("Registered but did not attend"), columns, rows)


def chat_table(report: SessionReport, local) -> Table:
    # The same columns as the chat CSV has always had: scripts may read them.
    columns = [
        ("time", _("Time")),
        ("author", _("Author")),
        ("role", _("Role")),
        ("to", _("To")),
        ("text", _("Text")),
        ("deleted", _("Deleted")),
    ]
    rows = [
        [
            local(m.sent_at),
            m.author,
            m.author_role,
            m.recipient if m.audience == "participant" else m.audience,
            m.text,
            "yes" if m.is_deleted else "no",
        ]
        for m in report.chat
    ]
    return Table("chat", _("Chat"), columns, rows)


def questions_table(report: SessionReport, local) -> Table:
    columns = [
        ("time", _("Time")),
        ("author", _("Author")),
        ("question", _("Question")),
        ("state", _("State")),
        ("answer", _("Answer")),
        ("answered_by", _("Answered by")),
        ("private_answer", _("Answered privately")),
    ]
    rows = [
        [
            local(q.asked_at),
            q.author,
            q.text,
            q.state,
            q.answer,
            q.answered_by,
            "yes" if q.is_answered_privately else "no",
        ]
        for q in report.questions
    ]
    return Table("questions", _("Questions"), columns, rows)


def polls_table(report: SessionReport) -> Table:
    columns = [
        ("poll", _("Poll")),
        ("kind", _("Kind")),
        ("answer", _("Answer")),
        ("votes", _("Votes")),
        ("percent", _("Share of ballots (%)")),
        ("ballots", _("Ballots")),
    ]
    rows: list[list[Cell]] = []
    for poll in report.polls:
        rows += [[poll.question, poll.kind, o.text, o.votes, o.percent, poll.ballots] for o in poll.options]
        rows += [[poll.question, poll.kind, text, None, None, poll.ballots] for text in poll.texts]
    return Table("polls", _("Polls"), columns, rows)


def calls_to_action_table(report: SessionReport, local) -> Table:
    columns = [
        ("shown", _("Shown")),
        ("text", _("Button")),
        ("url", _("Link")),
        ("clicks", _("Clicks")),
        ("unique_clickers", _("People who clicked")),
    ]
    rows = [[local(c.shown_at), c.text, c.url, c.clicks, c.unique_clickers] for c in report.calls_to_action]
    return Table("calls_to_action", _("Calls to action"), columns, rows)


def attendance_table(report: SessionReport, local) -> Table:
    columns = [("from", _("From")), ("connected", _("Connected"))]
    rows = [[local(b.starts_at), b.connected] for b in report.attendance_series]
    return Table("attendance", _("Attendance over time"), columns, rows)
