"""First-run set-up: the site's address, and a first staff user whose password is printed once."""

import os
import secrets
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction

from rostrum.accounts.actions import do_create_account
from rostrum.accounts.models import User


class Command(BaseCommand):
    help = "Set the site address and create the first staff user if there is none."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=os.environ.get("ROSTRUM_ADMIN_EMAIL", "admin@localhost"))

    @transaction.atomic
    def handle(self, *args, email: str, **options):
        host = urlsplit(settings.SITE_URL).netloc or "localhost"
        Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": host, "name": "Rostrum"})
        if User.objects.filter(is_staff=True).exists():
            self.stdout.write("Staff user exists already; log in with the password printed on the first run.")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(email, password, first_name="Rostrum", last_name="Operator")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        do_create_account(user, name="Rostrum Operator", country="PL", timezone_name=settings.TIME_ZONE)
        self.stdout.write(self.style.SUCCESS("Created the first staff user. This password is shown only once:"))
        self.stdout.write(f"    e-mail:   {email}\n    password: {password}")
