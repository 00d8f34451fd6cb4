"""The scripted session's report downloaded as CSV, a zip of CSVs, XLSX and PDF."""

import csv
import io
import zipfile
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.reports.tests.conftest import START
from rostrum.rooms.tests.factories import make_room

EXPORTS = ["", "chat.csv", "report.csv", "report.csv?section=polls", "report.zip", "report.xlsx", "report.pdf"]


def csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text)))


def filename_of(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


@pytest.mark.django_db
def test_one_section_as_csv(client_for, owner, scripted, report_url):
    me = client_for(owner.user)
    response = me.get(report_url("report.csv?section=attendees"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    number, session_id = scripted["room"].number, scripted["session"].pk
    assert filename_of(response) == f"room-{number}-session-{session_id}-attendees.csv"
    rows = csv_rows(response.content)
    assert rows[0] == ["name", "email", "role", "first_joined", "last_left", "time_connected", "connections", "browser"]
    assert rows[2] == [
        "Ann", "ann@example.com", "attendee", "2025-03-10T17:02:00+00:00", "2025-03-10T17:40:00+00:00", "0:38:00", "2",
        "Firefox 128 on Linux",
    ]  # fmt: skip
    assert rows[5][:6] == ["Dan", "dan@example.com", "attendee", "", "", "0:00:00"]
    polls = csv_rows(me.get(report_url("report.csv?section=polls")).content)
    assert polls[1:] == [
        ["Which topic next?", "single", "Pricing", "1", "33.3", "3"],
        ["Which topic next?", "single", "Roadmap", "2", "66.7", "3"],
        ["Which topic next?", "single", "Hiring", "0", "0.0", "3"],
    ]
    chat = csv_rows(me.get(report_url("report.csv?section=chat")).content)
    assert [row[1:] for row in chat[1:]] == [
        ["Hanna Host", "host", "everyone", "Welcome, everyone!", "no"],
        ["Ann", "attendee", "organisers", "Can I get the slides?", "no"],
        ["Ben", "attendee", "everyone", "'=SUM(A1:A9)", "no"],  # a formula kept as text
    ]
    assert me.get(report_url("report.csv?section=nonsense")).status_code == 404


@pytest.mark.django_db
def test_every_section_as_csv_in_a_zip(client_for, owner, scripted, report_url):
    response = client_for(owner.user).get(report_url("report.zip"))
    assert response["Content-Type"] == "application/zip"
    assert filename_of(response).endswith("-report.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [
        "summary.csv", "attendees.csv", "absent_registrants.csv", "chat.csv", "questions.csv", "polls.csv",
        "calls_to_action.csv", "attendance.csv",
    ]  # fmt: skip
    summary = {row[0]: row[2] for row in csv_rows(archive.read("summary.csv"))[1:]}
    assert summary["peak_concurrent"] == "4" and summary["average_time_attended"] == "0:23:20"
    assert summary["voted_percent"] == "100.0" and summary["clicked_percent"] == "66.7"
    attendance = csv_rows(archive.read("attendance.csv"))
    assert attendance[1] == ["2025-03-10T17:00:00+00:00", "1"] and attendance[11] == ["2025-03-10T17:10:00+00:00", "4"]
    assert len(attendance) == 61
    clicks = csv_rows(archive.read("calls_to_action.csv"))
    assert clicks[1][1:] == ["Get the slides", "https://example.com/slides", "2", "2"]
    questions = csv_rows(archive.read("questions.csv"))
    assert [row[2:5] for row in questions[1:]] == [
        ["Will there be a recording?", "answered", "Yes, tomorrow."],
        ["What does it cost?", "open", ""],
    ]


@pytest.mark.django_db
def test_xlsx_has_a_sheet_per_section_with_bold_headers_and_safe_text(client_for, owner, scripted, report_url):
    response = client_for(owner.user).get(report_url("report.xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert filename_of(response).endswith("-report.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary", "Attendees", "Registered but did not attend", "Chat", "Questions", "Polls", "Calls to action",
        "Attendance over time",
    ]  # fmt: skip
    attendees = workbook["Attendees"]
    assert [cell.value for cell in attendees[1]][:3] == ["Name", "E-mail", "Role"]
    assert all(cell.font.bold for cell in attendees[1])
    assert attendees.freeze_panes == "A2"
    assert attendees.column_dimensions["B"].width >= len("hanna@acme.example")
    ann = [cell.value for cell in attendees[3]]
    assert ann[:5] == [
        "Ann",
        "ann@example.com",
        "attendee",
        START.replace(minute=2, tzinfo=None),
        datetime(2025, 3, 10, 17, 40),
    ]
    assert ann[5] == timedelta(minutes=38)  # a duration cell, shown as [h]:mm:ss
    assert attendees.cell(row=3, column=6).number_format == "[h]:mm:ss"
    formula = workbook["Chat"].cell(row=4, column=5)
    assert (formula.value, formula.data_type) == ("'=SUM(A1:A9)", "s")
    poll_rows = [[cell.value for cell in row] for row in workbook["Polls"].iter_rows(min_row=2)]
    assert [row[2:5] for row in poll_rows] == [["Pricing", 1, 33.3], ["Roadmap", 2, 66.7], ["Hiring", 0, 0.0]]


@pytest.mark.django_db
def test_pdf_prints_the_report(client_for, owner, scripted, report_url):
    response = client_for(owner.user).get(report_url("report.pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert filename_of(response) == f"room-{scripted['room'].number}-session-{scripted['session'].pk}-report.pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Session report: Spring launch", "Attendance over time", "Which topic next?", "Roadmap",
                     "Get the slides", "0:38:00", "0:23:20"):  # fmt: skip
        assert expected in text
    assert "psst" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", EXPORTS)
def test_another_accounts_member_gets_404_everywhere(client_for, other_owner, scripted, report_url, suffix):
    intruder = client_for(other_owner.user)
    assert intruder.get(report_url(suffix)).status_code == 404
    their_room = make_room(other_owner, name="Theirs")
    theirs = f"/rooms/{their_room.pk}/sessions/{scripted['session'].pk}/{suffix}"
    assert intruder.get(theirs).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", EXPORTS)
def test_analysts_read_and_download_reports(client_for, owner, scripted, report_url, suffix):
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    assert client_for(analyst.user).get(report_url(suffix)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", EXPORTS)
def test_exports_are_read_only(client_for, owner, scripted, report_url, suffix):
    assert client_for(owner.user).post(report_url(suffix)).status_code == 405
