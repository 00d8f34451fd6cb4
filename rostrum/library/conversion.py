"""Converting library files in the task queue: claim, convert (``converters``), store, switch status.

``waiting_for_conversion → converting → converted | failed``. A worker claims a file with one
conditional UPDATE (so two workers never convert the same file), writes progress as it goes (only
while it still holds the claim: a file deleted or re-queued meanwhile stops the work), stores every
output first and then, in one transaction, creates the page rows and marks the file converted —
a file is never ``converted`` with half its outputs. Outputs of a failed or abandoned run are removed.
A worker that dies leaves the file ``converting``: ``do_sweep_conversions`` re-queues it once, then
fails it.
"""

import logging
import secrets
import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rostrum.core.events import FILE_CONVERTED, emit, library_file_data
from rostrum.library.constants import FORMATS_BY_MIME, FileKind, FileStatus
from rostrum.library.converters import ConversionFailed, Outputs, Run, convert_document, convert_video
from rostrum.library.models import LibraryFile, LibraryPage
from rostrum.library.sandbox import SandboxUnavailable, working_directory

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a file whose conversion killed the worker twice is failed, not tried forever
SWEEP_GRACE = timedelta(seconds=60)  # beyond the time limit, before a conversion counts as stuck
LOST_ENQUEUE_AFTER = timedelta(minutes=15)  # a file waiting this long is enqueued again


class Abandoned(Exception):
    """The file was deleted or re-queued while this worker converted it: its work is thrown away."""


def needs_conversion(library_file: LibraryFile) -> bool:
    return library_file.status == FileStatus.WAITING_FOR_CONVERSION


def time_limit(library_file: LibraryFile) -> int:
    if library_file.kind == FileKind.VIDEO:
        return settings.LIBRARY_VIDEO_CONVERSION_SECONDS
    return settings.LIBRARY_CONVERSION_SECONDS


def enqueue_conversion_on_commit(library_file: LibraryFile) -> None:
    """Queue the conversion once the row is committed (the caller's transaction, or at once)."""
    if not needs_conversion(library_file):
        return
    from rostrum.library.tasks import convert_file

    file_id = library_file.pk
    transaction.on_commit(lambda: convert_file(file_id))


def failure_message(library_file: LibraryFile, reason: str) -> str:
    return _("“%(name)s” could not be converted: %(reason)s") % {"name": library_file.name, "reason": reason}


def _language(library_file: LibraryFile) -> str:
    user = library_file.uploaded_by
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE


def do_convert_file(file_id: int) -> str | None:
    """Convert one waiting file to the end; returns the final status (None when not claimed)."""
    claimed = LibraryFile.objects.filter(pk=file_id, status=FileStatus.WAITING_FOR_CONVERSION).update(
        status=FileStatus.CONVERTING,
        conversion_progress=0,
        status_message="",
        conversion_started_at=timezone.now(),
        conversion_attempts=F("conversion_attempts") + 1,
    )
    if not claimed:
        return None  # deleted, or another worker has it
    library_file = LibraryFile.objects.select_related("account", "uploaded_by").get(pk=file_id)
    with translation.override(_language(library_file)):
        try:
            outputs_then_commit(library_file)
        except Abandoned:
            logger.info("Conversion of library file %s abandoned (deleted or re-queued)", file_id)
            return None
        except ConversionFailed as failure:
            return do_fail_conversion(library_file, failure.reason)
        except SandboxUnavailable as error:
            logger.error("Library file %s not converted: %s", file_id, error)
            reason = _("the server cannot convert files safely at the moment. Tell the administrator.")
            return do_fail_conversion(library_file, reason)
        except Exception:
            logger.exception("Conversion of library file %s failed", file_id)
            return do_fail_conversion(library_file, _("an unexpected error happened. Try again later."))
    return FileStatus.CONVERTED


def do_fail_conversion(library_file: LibraryFile, reason: str) -> str:
    LibraryFile.objects.filter(
        pk=library_file.pk, status=FileStatus.CONVERTING, conversion_attempts=library_file.conversion_attempts
    ).update(status=FileStatus.FAILED, status_message=failure_message(library_file, reason)[:500])
    return FileStatus.FAILED


def _claim(library_file: LibraryFile):
    """The file's row while this run still holds it (same attempt, still converting)."""
    return LibraryFile.objects.filter(
        pk=library_file.pk, status=FileStatus.CONVERTING, conversion_attempts=library_file.conversion_attempts
    )


def outputs_then_commit(library_file: LibraryFile) -> None:
    last = {"percent": -1, "at": 0.0}

    def progress(percent: int) -> None:
        percent = max(0, min(100, percent))
        now = time.monotonic()
        if percent <= last["percent"] or (percent < 100 and now - last["at"] < 0.25 and percent - last["percent"] < 5):
            return  # never backwards, and not a database write per ffmpeg line
        if not _claim(library_file).update(conversion_progress=percent):
            raise Abandoned
        last.update(percent=percent, at=now)

    file_format = FORMATS_BY_MIME[library_file.mime_type]
    with working_directory() as workdir:
        source = workdir / "in" / f"document.{file_format.extensions[0]}"
        with library_file.file.open("rb") as stored, source.open("wb") as copy:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
        run = Run(workdir, time_limit(library_file), progress)
        if library_file.kind == FileKind.VIDEO:
            outputs = convert_video(source, run)
        else:
            outputs = convert_document(source, library_file.mime_type, run)
        store_and_commit(library_file, outputs)


def store_and_commit(library_file: LibraryFile, outputs: Outputs) -> None:
    """Store the outputs, then switch the file to ``converted`` in one transaction (or remove them)."""
    storage = library_file.file.storage
    prefix = f"library/{library_file.account_id}/{secrets.token_hex(16)}"
    stored: list[str] = []

    def save(path, key: str) -> tuple[str, int]:
        with path.open("rb") as stream:
            name = storage.save(key, File(stream))
        stored.append(name)
        return name, storage.size(name)

    try:
        converted_key, total = "", 0
        if outputs.converted is not None:
            converted_key, size = save(outputs.converted, f"{prefix}{outputs.converted.suffix}")
            total += size
        pages = []
        for page in outputs.pages:
            key, size = save(page.path, f"{prefix}-{page.number}.jpg")
            total += size
            pages.append(
                LibraryPage(
                    file=library_file, number=page.number, image=key, width=page.width, height=page.height, size=size
                )
            )
        with transaction.atomic():
            if not _claim(library_file).select_for_update().exists():
                raise Abandoned
            LibraryPage.objects.bulk_create(pages)
            _claim(library_file).update(
                status=FileStatus.CONVERTED,
                conversion_progress=100,
                status_message="",
                converted=converted_key,
                page_count=len(pages),
                converted_size=total,
                updated_at=timezone.now(),
            )
            library_file.refresh_from_db()
            emit(library_file.account, FILE_CONVERTED, library_file_data(library_file))
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise


def do_sweep_conversions(now) -> list[int]:
    """Re-queue conversions a dead worker left ``converting`` (once; the second time they fail), and
    files whose enqueue was lost. Returns the ids to enqueue."""
    due: list[int] = []
    stuck = LibraryFile.objects.filter(status=FileStatus.CONVERTING).select_related("uploaded_by")
    for library_file in stuck:
        started = library_file.conversion_started_at or library_file.updated_at
        if started > now - timedelta(seconds=time_limit(library_file)) - SWEEP_GRACE:
            continue
        if library_file.conversion_attempts >= MAX_ATTEMPTS:
            with translation.override(_language(library_file)):
                reason = _("it was interrupted twice. Upload it again, or save it in another format.")
                do_fail_conversion(library_file, reason)
            continue
        requeued = _claim(library_file).update(status=FileStatus.WAITING_FOR_CONVERSION, conversion_progress=0)
        if requeued:
            due.append(library_file.pk)
    waiting = LibraryFile.objects.filter(
        status=FileStatus.WAITING_FOR_CONVERSION, updated_at__lt=now - LOST_ENQUEUE_AFTER
    ).values_list("pk", flat=True)
    for file_id in waiting:
        LibraryFile.objects.filter(pk=file_id).update(updated_at=now)
        due.append(file_id)
    return due
