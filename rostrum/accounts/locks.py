"""Named locks for scarce things counted per account (rooms, team seats): one writer at a time."""

from django.db import transaction

from rostrum.accounts.models import Account


def lock_account(account: Account) -> Account:
    """Lock the account's row until the surrounding transaction ends.

    Call it before counting against a plan limit, so two requests cannot both see room for one more.
    The caller must be inside ``transaction.atomic()``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_account() needs a transaction")
    return Account.objects.select_for_update().get(pk=account.pk)
