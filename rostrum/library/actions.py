"""Changing the file library: upload, rename, attach to a room, delete.

``check_*`` authorise (the acting membership must manage rooms) and validate, then change;
``do_*`` change and are safe to call from scripts and the API once the caller has authorised.
"""

import unicodedata
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.accounts.locks import lock_account
from rostrum.core.storage import delete_on_commit
from rostrum.library.constants import MANAGE_PERMISSION, NAME_MAX_LENGTH, FileStatus
from rostrum.library.conversion import enqueue_conversion_on_commit
from rostrum.library.errors import LibraryError
from rostrum.library.models import LibraryFile, stored_library_files
from rostrum.library.quota import storage_limit, storage_used
from rostrum.library.sniffing import sniff_format


def clean_name(value: str | None, max_length: int = NAME_MAX_LENGTH) -> str:
    """A display name: the last part of any path, without control characters, trimmed."""
    value = PurePosixPath((value or "").replace("\\", "/")).name
    value = "".join(char for char in value if unicodedata.category(char)[0] != "C")
    return value.strip()[:max_length].strip()


def _require_own(membership, library_file: LibraryFile) -> None:
    if library_file.account_id != membership.account_id:
        raise Http404  # another account's file is as good as missing


def check_file_size(size: int) -> None:
    if size <= 0:
        raise LibraryError("empty_file", _("The file is empty."))
    if size > settings.LIBRARY_MAX_FILE_BYTES:
        maximum = filesizeformat(settings.LIBRARY_MAX_FILE_BYTES)
        raise LibraryError(
            "file_too_large", _("The file is larger than %(maximum)s, the most one file may be.") % {"maximum": maximum}
        )


def check_quota(account, size: int) -> None:
    used, allowed = storage_used(account), storage_limit(account)
    if used + size > allowed:
        raise LibraryError(
            "storage_quota_exceeded",
            _(
                "There is not enough storage left: the file needs %(size)s, %(free)s of your plan's %(limit)s "
                "is free. Delete files you no longer need, or choose a larger plan."
            )
            % {
                "size": filesizeformat(size),
                "free": filesizeformat(max(allowed - used, 0)),
                "limit": filesizeformat(allowed),
            },
        )


def check_upload_file(membership, uploaded_file, *, room=None, name=None) -> LibraryFile:
    """Sniff, check the limits and store an upload under a key of our own.

    Raises ``LibraryError`` (nothing stored) when the content is not an accepted format, the file
    is empty or too large, or the account's storage would go over its plan's quota.
    """
    require_permission(membership, MANAGE_PERMISSION)
    account = membership.account
    if room is not None and room.account_id != account.pk:
        raise LibraryError("room_not_found", _("Choose one of your rooms."))
    check_file_size(uploaded_file.size)
    mime_type, file_format = sniff_format(uploaded_file)
    if file_format is None:
        raise LibraryError(
            "unsupported_format",
            _("The file's content is not one of the accepted formats (it looks like %(type)s).") % {"type": mime_type},
        )
    check_quota(account, uploaded_file.size)  # refuse early, before any byte is stored
    original_name = clean_name(uploaded_file.name, 255)
    library_file = LibraryFile(
        account=account,
        room=room,
        uploaded_by=membership.user,
        name=clean_name(name) or clean_name(original_name) or _("Untitled file"),
        original_name=original_name,
        size=uploaded_file.size,
        mime_type=mime_type,
        kind=file_format.kind,
        document_type=file_format.document_type,
        **initial_state(file_format.needs_conversion),
    )
    library_file.file.save("upload", uploaded_file, save=False)
    try:
        with transaction.atomic():
            lock_account(account)  # storage is counted per account
            check_quota(account, uploaded_file.size)  # again, now that concurrent uploads wait their turn
            library_file.save()
    except BaseException:
        library_file.file.storage.delete(library_file.file.name)
        raise
    enqueue_conversion_on_commit(library_file)
    return library_file


def initial_state(needs_conversion: bool) -> dict:
    """Files the room shows as they are (images, audio) are ready at once; the others wait for the
    conversion worker (PDF and office pages to images, video to H.264/AAC MP4): ``rostrum.library.conversion``."""
    if needs_conversion:
        return {"status": FileStatus.WAITING_FOR_CONVERSION, "conversion_progress": 0}
    return {"status": FileStatus.CONVERTED, "conversion_progress": 100}


def check_rename_file(membership, library_file: LibraryFile, name: str) -> LibraryFile:
    require_permission(membership, MANAGE_PERMISSION)
    _require_own(membership, library_file)
    return do_rename_file(membership, library_file, name)


def do_rename_file(membership, library_file: LibraryFile, name: str) -> LibraryFile:
    """Give a file a new display name (the stored key never changes). The caller has authorised."""
    cleaned = clean_name(name)
    if not cleaned:
        raise LibraryError("name_required", _("Give the file a name."))
    library_file.name = cleaned
    library_file.save(update_fields=["name", "updated_at"])
    return library_file


def check_attach_file(membership, library_file: LibraryFile, room) -> LibraryFile:
    """Attach a file to one of the account's rooms, or detach it (``room=None``)."""
    require_permission(membership, MANAGE_PERMISSION)
    _require_own(membership, library_file)
    if room is not None and room.account_id != membership.account_id:
        raise LibraryError("room_not_found", _("Choose one of your rooms."))
    library_file.room = room
    library_file.save(update_fields=["room", "updated_at"])
    return library_file


def check_delete_file(membership, library_file: LibraryFile) -> None:
    """Forget the file; its stored bytes go once the deletion has committed."""
    require_permission(membership, MANAGE_PERMISSION)
    _require_own(membership, library_file)
    do_delete_file(library_file)


def do_delete_file(library_file: LibraryFile) -> None:
    """Delete the row, its pages, and after commit the upload's and the conversion's bytes.

    A conversion still running notices (its claim is gone) and removes what it stored itself."""
    delete_on_commit(stored_library_files(LibraryFile.objects.filter(pk=library_file.pk)))
    library_file.delete()
