import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rostrum.core.storage import StoredFile, private_storage, stored_in  # served only through an access-checked view
from rostrum.library.constants import NAME_MAX_LENGTH, FileKind, FileStatus


def library_file_key(instance, filename: str) -> str:
    """A key of our own: the uploader's file name never becomes a path."""
    return f"library/{instance.account_id}/{secrets.token_hex(16)}"


class LibraryFile(models.Model):
    """A presentation, document, image, video or audio file in an account's library."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="library_files")
    room = models.ForeignKey(
        "rooms.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="library_files"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    original_name = models.CharField(max_length=255, blank=True)
    file = models.FileField(upload_to=library_file_key, storage=private_storage, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    mime_type = models.CharField(max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=FileKind.choices)
    document_type = models.CharField(max_length=40)
    status = models.CharField(_("status"), max_length=30, choices=FileStatus.choices, default=FileStatus.UPLOADED)
    conversion_progress = models.PositiveSmallIntegerField(default=0)
    status_message = models.CharField(max_length=500, blank=True)
    # Conversion output (rostrum.library.conversion): the PDF of an office file or the MP4 of a video,
    # the number of page images, and the bytes of all outputs (they count towards the plan's storage).
    converted = models.FileField(storage=private_storage, max_length=255, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    converted_size = models.PositiveBigIntegerField(default=0)
    conversion_started_at = models.DateTimeField(null=True, blank=True)
    conversion_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "kind"], name="library_file_account_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conversion_progress__lte=100), name="library_file_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.status == FileStatus.CONVERTED

    @property
    def is_failed(self) -> bool:
        return self.status == FileStatus.FAILED


class LibraryPage(models.Model):
    """One page of a converted PDF, presentation, document or spreadsheet, as an image (JPEG)."""

    file = models.ForeignKey(LibraryFile, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()  # from 1
    image = models.FileField(storage=private_storage, max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["file", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="library_page_file_number_unique")]

    def __str__(self) -> str:
        return f"{self.file} p. {self.number}"


def stored_library_files(files: models.QuerySet) -> list[StoredFile]:
    """The bytes of these library files: the uploads, their conversion outputs and page images."""
    return [*stored_in(files, "file", "converted"), *stored_in(LibraryPage.objects.filter(file__in=files), "image")]


def library_files_of_accounts(accounts: models.QuerySet) -> list[StoredFile]:
    """What deleting ``accounts`` leaves of their libraries (registered under ``accounts.Account``)."""
    return stored_library_files(LibraryFile.objects.filter(account__in=accounts))
