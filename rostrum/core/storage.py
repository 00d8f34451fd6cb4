"""Where files that only access-checked views may serve are kept (CSV imports, error reports, exports).

``STORAGES["private"]`` names the backend; on the embedded default it is this folder storage under
``PRIVATE_ROOT`` (``var/private``), which no URL serves. A scaled install points the alias at
object storage instead. Models name the alias through ``private_storage``, so the choice stays a setting.

Stored files go with their rows, after the deletion commits: ``delete_on_commit`` below.
"""

import logging
import os
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models, transaction

logger = logging.getLogger(__name__)


class PrivateFileSystemStorage(FileSystemStorage):
    """Folder storage that follows ``settings.PRIVATE_ROOT`` (tests move it) and has no URL."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks access.")


def private_storage():
    return storages["private"]


# --- Deleting stored files with the rows that own them -------------------------------------------
#
# A row's deletion (by hand or by cascade) never touches its bytes: the action that deletes rows
# names their files with ``stored``/``stored_in`` or ``files_under`` and hands them to
# ``delete_on_commit``, in the same transaction. Apps register what they store under a room's
# session or an account (``register_files_under``), so deleting a room or an account finds the files
# of every app below it without importing them (``rooms`` and ``accounts`` import no app that
# stores files).

StoredFile = tuple[Storage, str]  # where a file is kept, and its name there
FileFinder = Callable[[models.QuerySet], Iterable[StoredFile]]

_finders: dict[str, dict[str, FileFinder]] = {}


def stored(*field_files) -> list[StoredFile]:
    """The files these ``FieldFile`` values name (an empty field names none)."""
    return [(field_file.storage, field_file.name) for field_file in field_files if field_file]


def stored_in(rows: models.QuerySet, *fields: str) -> list[StoredFile]:
    """The files that the file ``fields`` of ``rows`` name, read in one query."""
    storages = [rows.model._meta.get_field(field).storage for field in fields]
    return [
        (storage, name)
        for names in rows.values_list(*fields)
        for storage, name in zip(storages, names, strict=True)
        if name
    ]


def register_files_under(owner: str, finder: FileFinder) -> None:
    """``finder(owners)`` lists the files of the rows that deleting ``owners`` (a queryset of the
    model labelled ``owner``, e.g. ``"rooms.Session"``) deletes with them by cascade."""
    _finders.setdefault(owner, {})[f"{finder.__module__}.{finder.__qualname__}"] = finder


def files_under(owners: models.QuerySet) -> list[StoredFile]:
    """Every file that deleting ``owners`` leaves without a row: call it before deleting them."""
    finders = _finders.get(owners.model._meta.label, {}).values()
    return [stored_file for finder in finders for stored_file in finder(owners)]


def delete_on_commit(files: Iterable[StoredFile]) -> None:
    """Delete these files once the current transaction commits (at once outside one).

    Called in the transaction that deletes their rows, with the names read before the rows go: a
    rolled-back deletion keeps rows and bytes. A file already gone is fine, and one that cannot be
    deleted is logged rather than raised, since its row is gone by then; the others still go."""
    files = [(storage, name) for storage, name in files if name]
    if files:
        transaction.on_commit(partial(_delete_now, files))


def _delete_now(files: list[StoredFile]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)  # Django's storages treat a missing name as deleted
        except Exception:  # object storage raises its own errors; none may stop the rest
            logger.exception("Could not delete the stored file %s", name)
