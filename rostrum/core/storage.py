"""Where files that only access-checked views may serve are kept (CSV imports, error reports, exports).

``STORAGES["private"]`` names the backend; on the embedded default it is this folder storage under
``PRIVATE_ROOT`` (``var/private``), which no URL serves. A scaled install points the alias at
object storage instead. Models name the alias through ``private_storage``, so the choice stays a setting.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


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
