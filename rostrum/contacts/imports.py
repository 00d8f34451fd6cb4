"""CSV import, the organiser's steps: upload, preview and mapping, start. The run is in importer.py."""

from django.db import transaction
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.contacts.access import PERMISSION
from rostrum.contacts.constants import IMPORT_MAX_BYTES, PREVIEW_ROWS, Column, DuplicatePolicy, ImportStatus
from rostrum.contacts.csvfiles import (
    SAMPLE_BYTES,
    decoded_lines,
    detect_delimiter,
    detect_encoding,
    guess_mapping,
    iter_records,
    looks_like_header,
)
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.models import ContactImport
from rostrum.core.storage import delete_on_commit, stored

SNIFF_LINES = 50


def _sniff(sample: bytes, encoding: str) -> str:
    text = sample.decode(encoding, errors="replace")
    if len(sample) == SAMPLE_BYTES:
        text = text.rsplit("\n", 1)[0]  # the last line may be cut short
    return detect_delimiter("\n".join(text.splitlines()[:SNIFF_LINES]))


def check_upload_import(membership, uploaded) -> ContactImport:
    """Store an uploaded CSV under a name of our own, with its encoding, delimiter and a guessed mapping."""
    require_permission(membership, PERMISSION)
    if uploaded.size > IMPORT_MAX_BYTES:
        limit = IMPORT_MAX_BYTES // (1024 * 1024)
        raise ContactsError("too_large", _("The file is larger than %(limit)d MB.") % {"limit": limit})
    uploaded.seek(0)
    sample = uploaded.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    contact_import = ContactImport(
        account=membership.account,
        created_by=membership.user,
        original_name=(uploaded.name or "")[-255:],
        encoding=encoding,
        delimiter=_sniff(sample, encoding),
    )
    contact_import.file.save("upload.csv", uploaded, save=False)
    first_rows = read_rows(contact_import, PREVIEW_ROWS + 1)
    if not first_rows:
        contact_import.file.delete(save=False)
        raise ContactsError("empty_file", _("The file has no rows."))
    contact_import.has_header = looks_like_header(first_rows[0])
    header, rows = split_header(first_rows, contact_import.has_header)
    contact_import.mapping = guess_mapping(header, rows)
    contact_import.save()
    return contact_import


def read_rows(contact_import: ContactImport, limit: int) -> list[list[str]]:
    rows = []
    with contact_import.file.open("rb") as stream:
        lines = decoded_lines(stream, contact_import.encoding)
        for _number, cells, _problem in iter_records(lines, contact_import.delimiter):
            if cells is not None:
                rows.append(cells)
            if len(rows) >= limit:
                break
        lines.detach()
    return rows


def split_header(rows: list[list[str]], has_header: bool) -> tuple[list[str] | None, list[list[str]]]:
    return (rows[0], rows[1:]) if has_header and rows else (None, rows)


def column_title(header: list[str] | None, index: int) -> str:
    title = header[index].strip() if header and index < len(header) else ""
    return title or _("Column %(n)d") % {"n": index + 1}


def build_preview(contact_import: ContactImport) -> dict:
    """What the mapping page shows: column titles, the first rows, and one mapping per column."""
    header, rows = split_header(read_rows(contact_import, PREVIEW_ROWS + 1), contact_import.has_header)
    width = max([len(contact_import.mapping), len(header or [])] + [len(row) for row in rows])
    titles = [column_title(header, i) for i in range(width)]
    return {"titles": titles, "rows": [row + [""] * (width - len(row)) for row in rows], "width": width}


def check_start_import(
    membership, contact_import: ContactImport, *, mapping: list[str], has_header: bool, policy: str, target_list=None
) -> None:
    """Validate the mapping and queue the run (after commit)."""
    require_permission(membership, PERMISSION)
    if contact_import.status != ImportStatus.UPLOADED:
        raise ContactsError("already_started", _("This import has already been started."))
    if mapping.count(Column.EMAIL) != 1:
        raise ContactsError("no_email_column", _("Choose the one column that holds e-mail addresses."))
    chosen = [column for column in mapping if column]
    if len(chosen) != len(set(chosen)):
        raise ContactsError("column_twice", _("Each kind of value can come from one column only."))
    if policy not in DuplicatePolicy.values:
        raise ContactsError("policy", _("Choose what to do with contacts that already exist."))
    if target_list is not None and target_list.account_id != contact_import.account_id:
        raise ContactsError("list", _("Choose one of your lists."))
    contact_import.mapping, contact_import.has_header = mapping, has_header
    contact_import.duplicate_policy, contact_import.target_list = policy, target_list
    contact_import.status = ImportStatus.QUEUED
    contact_import.save(update_fields=["mapping", "has_header", "duplicate_policy", "target_list", "status"])
    from rostrum.contacts.tasks import run_contact_import

    import_id = contact_import.pk
    transaction.on_commit(lambda: run_contact_import(import_id))


def check_delete_import(membership, contact_import: ContactImport) -> None:
    """Forget an import and its files; the contacts it brought in stay."""
    require_permission(membership, PERMISSION)
    if contact_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        raise ContactsError("running", _("Wait until the import has finished."))
    do_delete_import(contact_import)


def do_delete_import(contact_import: ContactImport) -> None:
    """Delete the import now and its upload and error report once that commits."""
    delete_on_commit(stored(contact_import.file, contact_import.error_report))
    contact_import.delete()
