import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from rostrum.contacts.constants import DuplicatePolicy, ImportStatus
from rostrum.core.storage import StoredFile, private_storage, stored_in  # imports hold personal data: no public URL


class Contact(models.Model):
    """A person in an account's address book. E-mail addresses are kept lower-cased."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"))
    company = models.CharField(_("company"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint("account", Lower("email"), name="contact_unique_email_per_account")]
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ContactList(models.Model):
    """A named group of contacts (the address book's tags)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="contact_lists")
    name = models.CharField(_("name"), max_length=100)
    contacts = models.ManyToManyField(Contact, related_name="lists", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("account", "name", name="contact_list_unique_name_per_account")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unsubscription(models.Model):
    """An address that asked for no more marketing e-mail from one account (contact or not)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="unsubscriptions")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("account", "email", name="unsubscription_unique_per_account")]

    def __str__(self) -> str:
        return self.email


class UnsubscribedDigest(models.Model):
    """An unsubscription that outlived the person's erasure: a keyed hash of the address, not the address.

    ``digest`` is HMAC-SHA256 over the lower-cased address with ``SECRET_KEY``
    (``unsubscribe.address_digest``): the address cannot be read back, but a later import or
    invitation of the same address still finds it and stays unsubscribed.
    """

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="unsubscribed_digests")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("account", "digest", name="unsubscribed_digest_unique_per_account")]

    def __str__(self) -> str:
        return self.digest[:12]


def import_file_name(instance, filename: str) -> str:
    """A name of our own: the uploader's file name never becomes a path."""
    return f"contacts/imports/{secrets.token_hex(16)}.csv"


class ContactImport(models.Model):
    """One CSV upload on its way into the address book, with its progress and outcome."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="contact_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=import_file_name, storage=private_storage, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    mapping = models.JSONField(default=list, blank=True)  # one Column value per CSV column
    has_header = models.BooleanField(default=True)
    duplicate_policy = models.CharField(max_length=10, choices=DuplicatePolicy.choices, default=DuplicatePolicy.SKIP)
    target_list = models.ForeignKey(ContactList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_report = models.FileField(upload_to=import_file_name, storage=private_storage, blank=True)
    failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The running worker's last sign of life (claim, count, each batch): the sweep fails a run that stopped.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name or f"import {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.is_finished else int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class Invitation(models.Model):
    """One invitation to a room sent to one address; its delivery is the outbox row's."""

    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    outgoing = models.ForeignKey(
        "notifications.OutgoingEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_skipped = models.BooleanField(default=False)  # unsubscribed: recorded, never sent
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email


def import_files_of_accounts(accounts: models.QuerySet) -> list[StoredFile]:
    """The uploads and error reports deleting ``accounts`` leaves behind (registered under ``accounts.Account``)."""
    return stored_in(ContactImport.objects.filter(account__in=accounts), "file", "error_report")
