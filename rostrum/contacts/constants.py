from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# An upload larger than this is refused before it is stored.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Rows written per transaction: small enough that the web process and other writers keep going.
IMPORT_BATCH_SIZE = 1000
# A running import with no batch written for this long has lost its worker: the sweep fails it.
# A batch of IMPORT_BATCH_SIZE rows takes seconds; counting a 20 MB file's rows well under a minute.
IMPORT_STALLED_AFTER = timedelta(minutes=15)
# Rows shown on the preview page.
PREVIEW_ROWS = 10
# Addresses one invitation send may reach (no per-day entitlement exists in the plans yet).
INVITATIONS_PER_SEND = 1000
CONTACTS_PER_PAGE = 50
DELIMITERS = ",;\t|"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", _("Skip contacts that already exist")
    UPDATE = "update", _("Update contacts that already exist")


class Column(models.TextChoices):
    """What a CSV column holds, chosen on the mapping form."""

    IGNORE = "", _("(ignore)")
    FIRST_NAME = "first_name", _("First name")
    LAST_NAME = "last_name", _("Last name")
    EMAIL = "email", _("E-mail")
    COMPANY = "company", _("Company")
    PHONE = "phone", _("Phone")
    LANGUAGE = "language", _("Language")
    LISTS = "lists", _("Lists")


# Header words that suggest a column (lower-cased, spaces and punctuation removed).
HEADER_GUESSES = {
    Column.EMAIL: {"email", "e-mail", "mail", "emailaddress", "adresemail", "correo", "courriel"},
    Column.FIRST_NAME: {"firstname", "first", "givenname", "name", "imie", "imię", "vorname", "prenom", "prénom"},
    Column.LAST_NAME: {"lastname", "last", "surname", "familyname", "nazwisko", "nachname", "nom"},
    Column.COMPANY: {"company", "organisation", "organization", "firma", "employer", "société"},
    Column.PHONE: {"phone", "telephone", "tel", "mobile", "telefon", "phonenumber"},
    Column.LANGUAGE: {"language", "lang", "język", "jezyk", "sprache", "langue"},
    Column.LISTS: {"lists", "list", "tags", "tag", "groups", "listy"},
}


class DeliveryStatus(models.TextChoices):
    """An invitation as the organiser sees it; ``skipped`` never reached the outbox."""

    SKIPPED = "skipped", _("Skipped (unsubscribed)")
