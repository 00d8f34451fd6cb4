"""Running a CSV import in batches: each batch is one short transaction, so the site stays responsive
and a failure later in the file never takes back what was already imported."""

import csv
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rostrum.contacts.constants import IMPORT_BATCH_SIZE, IMPORT_STALLED_AFTER, DuplicatePolicy, ImportStatus
from rostrum.contacts.csvfiles import decoded_lines, iter_records
from rostrum.contacts.imports import column_title
from rostrum.contacts.models import Contact, ContactImport, ContactList
from rostrum.contacts.rows import RowError, parse_row
from rostrum.contacts.unsubscribe import restore_unsubscriptions
from rostrum.reports.formatting import spreadsheet_safe

logger = logging.getLogger(__name__)
Through = ContactList.contacts.through


class Abandoned(Exception):
    """The import is no longer ``running`` (failed by the sweep): this worker's batch is rolled back."""


def _still_running(contact_import: ContactImport):
    return ContactImport.objects.filter(pk=contact_import.pk, status=ImportStatus.RUNNING)


class Importer:
    """Holds one batch of rows and the running totals; ``flush`` writes the batch."""

    def __init__(self, contact_import: ContactImport, report):
        self.contact_import = contact_import
        self.account = contact_import.account
        self.update_existing = contact_import.duplicate_policy == DuplicatePolicy.UPDATE
        self.report = report
        self.existing = dict(Contact.objects.filter(account=self.account).values_list("email", "pk"))
        self.seen: dict[str, int] = {}
        self.list_ids: dict[str, int] = {}
        self.counts = {"processed_rows": 0, "imported_count": 0, "updated_count": 0, "skipped_count": 0}
        self.counts["error_count"] = 0
        self._reset()

    def _reset(self) -> None:
        self.new: list[Contact] = []
        self.changes: dict[int, dict] = {}
        self.links: list[tuple[str, list[str]]] = []

    def add(self, number: int, cells: list[str] | None, problem: str) -> None:
        self.counts["processed_rows"] += 1
        try:
            if cells is None:
                raise RowError(problem)
            values, list_names = parse_row(cells, self.contact_import.mapping)
            self._place(number, values)
        except RowError as error:
            self.counts["error_count"] += 1
            self.report.writerow([number, str(error), *(spreadsheet_safe(cell) for cell in cells or [])])
            return
        target = self.contact_import.target_list
        self.links.append((values["email"], list_names + ([target.name] if target else [])))
        if len(self.links) >= IMPORT_BATCH_SIZE:  # one per good row
            self.flush()

    def _place(self, number: int, values: dict) -> None:
        email = values["email"]
        if email in self.seen:
            raise RowError(_("The same e-mail address as row %(row)d.") % {"row": self.seen[email]})
        self.seen[email] = number
        if email not in self.existing:
            self.new.append(Contact(account=self.account, **values))
            self.counts["imported_count"] += 1
        elif self.update_existing:
            self.changes[self.existing[email]] = {k: v for k, v in values.items() if v and k != "email"}
            self.counts["updated_count"] += 1
        else:
            self.counts["skipped_count"] += 1

    def flush(self) -> None:
        with transaction.atomic():
            if self.new:
                Contact.objects.bulk_create(self.new, ignore_conflicts=True, batch_size=500)
                emails = [contact.email for contact in self.new]
                found = Contact.objects.filter(account=self.account, email__in=emails).values_list("email", "pk")
                self.existing.update(found)
            self._apply_changes()
            self._link_lists()
            restore_unsubscriptions(self.account, [email for email, _names in self.links])
            if not _still_running(self.contact_import).update(**self.counts, progress_at=timezone.now()):
                raise Abandoned  # the sweep failed this run meanwhile: take nothing more in
        self._reset()

    def _apply_changes(self) -> None:
        if not self.changes:
            return
        contacts = Contact.objects.in_bulk(list(self.changes))
        now = timezone.now()
        for pk, values in self.changes.items():
            for field, value in values.items():
                setattr(contacts[pk], field, value)
            contacts[pk].updated_at = now
        fields = sorted({field for values in self.changes.values() for field in values} | {"updated_at"})
        Contact.objects.bulk_update(contacts.values(), fields, batch_size=500)

    def _link_lists(self) -> None:
        names = {name for _email, list_names in self.links for name in list_names} - set(self.list_ids)
        for name in names:
            self.list_ids[name] = ContactList.objects.get_or_create(account=self.account, name=name)[0].pk
        links = [
            Through(contactlist_id=self.list_ids[name], contact_id=self.existing[email])
            for email, list_names in self.links
            for name in list_names
            if email in self.existing
        ]
        Through.objects.bulk_create(links, ignore_conflicts=True, batch_size=500)


def count_rows(contact_import: ContactImport) -> int:
    with contact_import.file.open("rb") as stream:
        lines = decoded_lines(stream, contact_import.encoding)
        total = sum(1 for _row in iter_records(lines, contact_import.delimiter))
    return total - 1 if contact_import.has_header and total else total


def do_run_import(import_id: int) -> None:
    """Run a queued import to the end; a crash marks it failed, keeping the batches already written.

    Every write of the run is conditional on the import still being ``running``: once the sweep
    (``do_sweep_stalled_imports``) has failed it, a worker that was only slow stops at its next batch."""
    claimed = ContactImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, progress_at=timezone.now()
    )
    if not claimed:
        return  # deleted, or already run by another worker
    contact_import = ContactImport.objects.select_related("account", "target_list").get(pk=import_id)
    try:
        _run(contact_import)
    except Abandoned:
        logger.warning("Contact import %s was failed by the sweep while it ran; stopped", import_id)
    except Exception:
        logger.exception("Contact import %s failed", import_id)
        message = _("The import stopped because of an unexpected error. Rows before it were imported.")
        ContactImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, failure_message=message, finished_at=timezone.now()
        )


def _run(contact_import: ContactImport) -> None:
    total = count_rows(contact_import)
    if not _still_running(contact_import).update(total_rows=total, progress_at=timezone.now()):
        raise Abandoned
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as report_file:
        report = csv.writer(report_file)
        importer = Importer(contact_import, report)
        with contact_import.file.open("rb") as stream:
            records = iter_records(decoded_lines(stream, contact_import.encoding), contact_import.delimiter)
            header = _write_report_header(report, contact_import, records)
            if header is not None:
                importer.add(*header)
            for number, cells, problem in records:
                importer.add(number, cells, problem)
            importer.flush()
        contact_import.refresh_from_db()
        if importer.counts["error_count"]:
            report_file.seek(0)
            contact_import.error_report.save("errors.csv", File(report_file), save=False)
    if contact_import.file:  # the upload is personal data nobody needs once imported
        contact_import.file.delete(save=False)
    report = contact_import.error_report.name or ""
    finished = _still_running(contact_import).update(
        status=ImportStatus.DONE, finished_at=timezone.now(), error_report=report, file=""
    )
    if not finished and report:  # failed by the sweep meanwhile: its page says so; no orphan file
        contact_import.error_report.delete(save=False)


def _write_report_header(report, contact_import: ContactImport, records):
    """Write the report's title row; returns the first record when it is data, not column names."""
    first = next(records, None)
    titles = first[1] if first and contact_import.has_header and first[1] else None
    width = max(len(contact_import.mapping), len(titles or []))
    names = [column_title(titles, i) for i in range(width)]
    report.writerow([_("Row"), _("Reason"), *(spreadsheet_safe(name) for name in names)])
    return None if contact_import.has_header else first


def do_sweep_stalled_imports(now) -> list[int]:
    """Fail imports ``running`` with no sign of life for ``IMPORT_STALLED_AFTER``: their worker died.

    Not resumed: a second run would count the rows of the first as existing (skipped or updated)
    rather than new, and the error report of the first run's rows lived in the dead worker's
    temporary file. The batches already written stay; importing the file again skips them."""
    cutoff = now - IMPORT_STALLED_AFTER
    quiet = Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)  # null: run before the field
    stalled = ContactImport.objects.filter(quiet, status=ImportStatus.RUNNING).select_related("created_by")
    failed = []
    for contact_import in stalled:
        with translation.override(_language(contact_import)):
            message = ngettext(
                "The import stopped unexpectedly; %(count)d row was imported. "
                "Upload the file again to import the rest.",
                "The import stopped unexpectedly; %(count)d rows were imported. "
                "Upload the file again to import the rest.",
                contact_import.processed_rows,
            ) % {"count": contact_import.processed_rows}
        claimed = _still_running(contact_import).filter(quiet)  # unless a batch landed meanwhile
        if claimed.update(status=ImportStatus.FAILED, failure_message=message, finished_at=now, file=""):
            if contact_import.file:  # the upload is personal data; the organiser uploads it again
                contact_import.file.delete(save=False)
            failed.append(contact_import.pk)
    return failed


def _language(contact_import: ContactImport) -> str:
    user = contact_import.created_by
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE
