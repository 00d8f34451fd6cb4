"""Unsubscribe links for marketing e-mail (RFC 8058 one-click) and the list they feed.

The link carries the account id and the lower-cased address, signed, without expiry: a link in an
old e-mail must still work. Addresses that are not contacts are honoured too.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from rostrum.contacts.models import Unsubscription

SALT = "rostrum.contacts.unsubscribe"


def _normalize(email: str) -> str:
    return email.strip().lower()


def unsubscribe_token(account, email: str) -> str:
    return signing.Signer(salt=SALT).sign_object([account.pk, _normalize(email)])


def unsubscribe_url(account, email: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("contacts_unsubscribe", args=[unsubscribe_token(account, email)])


def unsubscribe_headers(account, email: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(account, email)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def is_unsubscribed(account, email: str) -> bool:
    return Unsubscription.objects.filter(account=account, email=_normalize(email)).exists()


def read_unsubscribe_token(token: str):
    """(account, e-mail) for a genuine token, else None."""
    from rostrum.accounts.models import Account

    try:
        account_id, email = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    account = Account.objects.filter(pk=account_id).first() if isinstance(account_id, int) else None
    return (account, email) if account is not None and isinstance(email, str) else None


def do_unsubscribe(account, email: str) -> Unsubscription:
    return Unsubscription.objects.get_or_create(account=account, email=_normalize(email))[0]
