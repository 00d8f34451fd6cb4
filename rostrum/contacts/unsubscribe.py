"""Unsubscribe links for marketing e-mail (RFC 8058 one-click) and the list they feed.

The link carries the account id and the lower-cased address, signed, without expiry: a link in an
old e-mail must still work. Addresses that are not contacts are honoured too.

Erasing the person keeps their choice as an ``UnsubscribedDigest`` (a keyed hash, not the address):
``is_unsubscribed`` and ``unsubscribed_among`` honour both, and an import that brings the address
back restores its ``Unsubscription`` (``restore_unsubscriptions``), so the badge and every check
that reads the rows see it again.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse

from rostrum.contacts.models import UnsubscribedDigest, Unsubscription

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


def address_digest(email: str) -> str:
    """HMAC-SHA256 of the lower-cased address keyed with ``SECRET_KEY`` (hex): what erasure keeps."""
    return hmac.new(settings.SECRET_KEY.encode(), _normalize(email).encode(), hashlib.sha256).hexdigest()


def is_unsubscribed(account, email: str) -> bool:
    return bool(unsubscribed_among(account, [email]))


def unsubscribed_among(account, emails) -> set[str]:
    """Those of ``emails`` (lower-cased) that unsubscribed from ``account``, before or after an erasure."""
    emails = {_normalize(email) for email in emails}
    found = set(Unsubscription.objects.filter(account=account, email__in=emails).values_list("email", flat=True))
    digests = {address_digest(email): email for email in emails - found}
    erased = UnsubscribedDigest.objects.filter(account=account, digest__in=list(digests)).values_list(
        "digest", flat=True
    )
    return found | {digests[digest] for digest in erased}


def restore_unsubscriptions(account, emails) -> None:
    """An erased person's address is back in the address book: bring back its unsubscription too."""
    emails = {_normalize(email) for email in emails}
    if not emails or not UnsubscribedDigest.objects.filter(account=account).exists():
        return
    restored = [Unsubscription(account=account, email=email) for email in unsubscribed_among(account, emails)]
    Unsubscription.objects.bulk_create(restored, ignore_conflicts=True)


def keep_digests_and_forget(unsubscriptions) -> None:
    """Erasure: keep each unsubscription as a digest of its address, then delete the rows."""
    digests = [UnsubscribedDigest(account_id=u.account_id, digest=address_digest(u.email)) for u in unsubscriptions]
    UnsubscribedDigest.objects.bulk_create(digests, ignore_conflicts=True)
    Unsubscription.objects.filter(pk__in=[u.pk for u in unsubscriptions]).delete()


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
