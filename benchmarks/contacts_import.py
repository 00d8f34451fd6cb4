"""How fast a 100,000-row CSV import runs, and how long it holds the database's write lock.

Runs the real upload, mapping and importer (as the task worker would) against a fresh SQLite
database in a temporary folder, the embedded default. Prints rows/s, peak memory and the longest
batch transaction (while it runs, SQLite lets no other writer in).

    .venv/bin/python benchmarks/contacts_import.py [--rows 100000]
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build_csv(rows: int) -> bytes:
    """Semicolons and cp1250 (a Polish spreadsheet's CSV); 1 % bad addresses, 1 % repeated ones."""
    out = io.StringIO()
    out.write("Imię;Nazwisko;E-mail;Firma;Telefon;Listy\n")
    for i in range(rows):
        email = (
            f"osoba{i}@przykład.example"
            if i % 100
            else ("zły adres" if i % 200 else f"osoba{i - 100}@przykład.example")
        )
        out.write(f"Łucja{i};Żółkiewska;{email};Firma {i % 500} sp. z o.o.;+48 600 {i:06d};Klienci, Rok {i % 3}\n")
    return out.getvalue().encode("cp1250")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="rostrum-import-bench-")
    os.environ.update(ROSTRUM_VAR_DIR=folder, DJANGO_SETTINGS_MODULE="rostrum.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from rostrum.accounts.actions import do_create_account
    from rostrum.accounts.models import User
    from rostrum.contacts import importer, imports
    from rostrum.contacts.models import Contact, ContactImport

    user = User.objects.create_user("bench@example.com", "bench password 1234")
    account = do_create_account(user, name="Bench", country="PL", timezone_name="Europe/Warsaw")
    membership = account.memberships.get(user=user)

    content = build_csv(options.rows)
    started = time.perf_counter()
    contact_import = imports.check_upload_import(membership, SimpleUploadedFile("bench.csv", content))
    imports.check_start_import(
        membership, contact_import, mapping=contact_import.mapping, has_header=True, policy="skip"
    )
    upload_seconds = time.perf_counter() - started

    longest = [0.0]
    flush = importer.Importer.flush

    def timed_flush(self):
        began = time.perf_counter()
        flush(self)
        longest[0] = max(longest[0], time.perf_counter() - began)

    importer.Importer.flush = timed_flush
    started = time.perf_counter()
    importer.do_run_import(contact_import.pk)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    contact_import = ContactImport.objects.get(pk=contact_import.pk)
    print(f"rows in file:             {options.rows:,} ({len(content) / 1024 / 1024:.1f} MB, cp1250, ';')")
    print(f"upload + preview + start: {upload_seconds:.2f} s")
    print(f"import:                   {seconds:.1f} s, {options.rows / seconds:,.0f} rows/s")
    print(f"imported / errors:        {contact_import.imported_count:,} / {contact_import.error_count:,}")
    print(f"contacts in database:     {Contact.objects.count():,}")
    print(f"longest batch transaction: {longest[0] * 1000:.0f} ms")
    print(f"peak RSS (whole process): {rss_after / 1024:.0f} MB, Django and the file in memory included")


if __name__ == "__main__":
    main()
