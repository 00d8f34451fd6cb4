"""Personal data held by accounts: users, accounts they own, invitations, free-account claims."""

from django.db.models import Q

from rostrum.accounts.constants import Role
from rostrum.accounts.models import Account, ApiKey, FreeAccountClaim, Membership, TeamInvitation, User
from rostrum.core.models import AuditEntry
from rostrum.core.storage import delete_on_commit, files_under, stored_in
from rostrum.privacy.registry import declare_no_personal_data, register

USER_FIELDS = ("email", "first_name", "last_name", "language", "timezone", "date_joined", "last_login")
ACCOUNT_FIELDS = (
    "name",
    "business_name",
    "address",
    "city",
    "postal_code",
    "country",
    "email",
    "phone",
    "tax_id",
    "timezone",
    "image",
)


def export_user(user: User) -> list[dict]:
    return [{field: str(getattr(user, field) or "") for field in USER_FIELDS}]


def erase_user(user: User) -> None:
    user.email = f"erased-{user.pk}@invalid.example"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def owned_accounts(user: User):
    return Account.objects.filter(memberships__user=user, memberships__role=Role.OWNER)


def export_accounts(user: User) -> list[dict]:
    return [{field: str(getattr(account, field) or "") for field in ACCOUNT_FIELDS} for account in owned_accounts(user)]


def erase_accounts(user: User) -> None:
    # Erasing everything about an owner is treated as deleting the accounts they own (PRODUCT.md M9):
    # with everything they stored, which the cascade does not reach (files go once this commits).
    for account in owned_accounts(user):
        accounts = Account.objects.filter(pk=account.pk)
        delete_on_commit([*stored_in(accounts, "image"), *files_under(accounts)])
        account.delete()


def export_memberships(user: User) -> list[dict]:
    return [
        {"account": m.account.name, "role": m.role, "since": m.created_at.isoformat()}
        for m in Membership.objects.filter(user=user).select_related("account")
    ]


def erase_memberships(user: User) -> None:
    Membership.objects.filter(user=user).delete()


def export_api_keys(user: User) -> list[dict]:
    """A person's API keys: the names they gave them and when they were used; never the key."""
    keys = ApiKey.objects.filter(membership__user=user).select_related("membership__account")
    return [
        {
            "account": key.membership.account.name,
            "name": key.name,
            "prefix": key.prefix,
            "created": key.created_at.isoformat(),
            "last_used": key.last_used_at.isoformat() if key.last_used_at else "",
            "revoked": key.revoked_at.isoformat() if key.revoked_at else "",
        }
        for key in keys
    ]


def erase_api_keys(user: User) -> None:
    ApiKey.objects.filter(membership__user=user).delete()


def export_invitations(user: User) -> list[dict]:
    return [
        {"account": i.account.name, "email": i.email, "role": i.role, "sent": i.created_at.isoformat()}
        for i in TeamInvitation.objects.filter(Q(email__iexact=user.email) | Q(invited_by=user)).select_related(
            "account"
        )
    ]


def erase_invitations(user: User) -> None:
    TeamInvitation.objects.filter(email__iexact=user.email).delete()
    TeamInvitation.objects.filter(invited_by=user).update(invited_by=None)


def export_audit(user: User) -> list[dict]:
    return [
        {"code": e.code, "at": e.created_at.isoformat(), "ip_address": e.ip_address or ""}
        for e in AuditEntry.objects.filter(Q(actor=user))
    ]


def erase_audit(user: User) -> None:
    # Kept for legal claims (PRODUCT.md M9), but no longer tied to the person or their address.
    AuditEntry.objects.filter(actor=user).update(actor=None, ip_address=None)


register(User, fields=(*USER_FIELDS, "password"), exporter=export_user, eraser=erase_user)
register(Account, fields=ACCOUNT_FIELDS, exporter=export_accounts, eraser=erase_accounts)
register(ApiKey, fields=("membership", "name", "last_used_at"), exporter=export_api_keys, eraser=erase_api_keys)
register(Membership, fields=("user",), exporter=export_memberships, eraser=erase_memberships)
register(TeamInvitation, fields=("email", "invited_by"), exporter=export_invitations, eraser=erase_invitations)
register(AuditEntry, fields=("actor", "ip_address"), exporter=export_audit, eraser=erase_audit)
declare_no_personal_data(FreeAccountClaim, "holds only a one-way digest of a normalised e-mail address")
