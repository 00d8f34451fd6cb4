"""Audit entries for logins. Authentication signals are the integration point Django offers."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from rostrum.core import audit


@receiver(user_logged_in, dispatch_uid="rostrum.audit.login")
def record_login(sender, request, user, **kwargs):
    audit.record("accounts.user.logged_in", actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="rostrum.audit.login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # Never store what was typed as a password; the e-mail helps spot credential stuffing.
    audit.record("accounts.user.login_failed", request=request, email=str(credentials.get("email", ""))[:254])
