"""State changes of accounts, members and invitations. check_* authorise, do_* change."""

import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.accounts.constants import (
    API_KEY_LENGTH,
    API_KEY_PREFIX_LENGTH,
    INVITABLE_ROLES,
    INVITATION_VALID_DAYS,
    Role,
)
from rostrum.accounts.errors import AccountsError
from rostrum.accounts.locks import lock_account
from rostrum.accounts.models import Account, ApiKey, FreeAccountClaim, Membership, TeamInvitation, User
from rostrum.billing import entitlements
from rostrum.billing.plans import DEFAULT_PLAN
from rostrum.core import audit
from rostrum.core.ids import random_token, token_digest
from rostrum.core.storage import delete_on_commit, stored
from rostrum.notifications.mail import send_on_commit

RESERVED_SLUGS = {"admin", "api", "static", "media", "join", "r", "p", "staff", "account", "accounts", "healthz"}


def normalize_email_for_claim(email: str) -> str:
    """The person behind an address: lower case, without a ``+tag``, Gmail dots ignored."""
    local, _, domain = email.strip().lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in {"gmail.com", "googlemail.com"}:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def has_claimed_free_account(email: str) -> bool:
    return FreeAccountClaim.objects.filter(email_digest=token_digest(normalize_email_for_claim(email))).exists()


def unique_account_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "account"
    if base in RESERVED_SLUGS or re.fullmatch(r"\d+", base):
        base = f"{base}-account"
    slug, n = base, 1
    while Account.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def do_create_account(
    owner: User, *, name: str, country: str, timezone_name: str, business_name: str = "", request=None
) -> Account:
    """A new free account with ``owner`` as its owner; the owner's e-mail claims its free account."""
    account = Account.objects.create(
        name=name,
        slug=unique_account_slug(name),
        business_name=business_name,
        country=country,
        email=owner.email,
        timezone=timezone_name,
        plan_code=DEFAULT_PLAN.code,
        trial_ends_at=timezone.now() + DEFAULT_PLAN.trial_length if DEFAULT_PLAN.trial_length else None,
    )
    Membership.objects.create(account=account, user=owner, role=Role.OWNER)
    FreeAccountClaim.objects.get_or_create(email_digest=token_digest(normalize_email_for_claim(owner.email)))
    audit.record("accounts.account.created", account=account, actor=owner, target=account, request=request)
    return account


def seats_in_use(account: Account) -> int:
    pending = TeamInvitation.objects.filter(
        account=account, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).count()
    return account.memberships.count() + pending


def check_invite_member(membership: Membership, email: str, role: str, request=None) -> TeamInvitation:
    require_permission(membership, "manage_team")
    account = lock_account(membership.account)
    email = email.strip().lower()
    if role not in INVITABLE_ROLES:
        raise AccountsError("invalid_role", _("Choose one of the roles offered."))
    if account.memberships.filter(user__email__iexact=email).exists():
        raise AccountsError("already_member", _("This person is already a member of the account."))
    if account.invitations.filter(
        email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).exists():
        raise AccountsError("already_invited", _("This person has a pending invitation already."))
    allowed = entitlements.limit(account, "team_members")
    if seats_in_use(account) >= allowed:
        raise AccountsError(
            "team_limit", _("Your plan allows %(count)d team members, invitations included.") % {"count": allowed}
        )
    return do_invite_member(account, email, role, invited_by=membership.user, request=request)


def do_invite_member(account: Account, email: str, role: str, *, invited_by: User, request=None) -> TeamInvitation:
    token = random_token()
    invitation = TeamInvitation.objects.create(
        account=account,
        email=email,
        role=role,
        token_digest=token_digest(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
    )
    audit.record(
        "accounts.member.invited",
        account=account,
        actor=invited_by,
        target=invitation,
        request=request,
        email=email,
        role=role,
    )
    send_on_commit(
        "team_invitation",
        email,
        {
            "account_name": account.name,
            "inviter": invited_by.get_full_name(),
            "role": invitation.get_role_display(),
            "accept_path": reverse("accept_invitation", args=[token]),
            "valid_days": INVITATION_VALID_DAYS,
        },
        # The invitee's own language if they have a login already; else the inviter's, a fair guess.
        language=User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
        or invited_by.language
        or None,
    )
    return invitation


def find_pending_invitation(token: str) -> TeamInvitation | None:
    invitation = TeamInvitation.objects.select_related("account").filter(token_digest=token_digest(token)).first()
    return invitation if invitation and invitation.is_pending else None


@transaction.atomic
def do_accept_invitation(invitation: TeamInvitation, user: User, request=None) -> Membership:
    invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise AccountsError("invitation_used", _("This invitation is no longer valid."))
    membership, _created = Membership.objects.get_or_create(
        account=invitation.account, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        "accounts.member.joined",
        account=invitation.account,
        actor=user,
        target=membership,
        request=request,
        role=membership.role,
    )
    return membership


def check_revoke_invitation(membership: Membership, invitation: TeamInvitation, request=None) -> None:
    require_permission(membership, "manage_team")
    if not invitation.is_pending:
        raise AccountsError("invitation_used", _("This invitation is no longer valid."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        "accounts.invitation.revoked",
        account=membership.account,
        actor=membership.user,
        target=invitation,
        request=request,
    )


def check_change_role(membership: Membership, member: Membership, role: str, request=None) -> None:
    require_permission(membership, "manage_team")
    if member.role == Role.OWNER:
        raise AccountsError("owner_role", _("The owner's role cannot be changed."))
    if role not in INVITABLE_ROLES:
        raise AccountsError("invalid_role", _("Choose one of the roles offered."))
    if member.role == role:
        return
    old_role, member.role = member.role, role
    member.save(update_fields=["role"])
    audit.record(
        "accounts.member.role_changed",
        account=membership.account,
        actor=membership.user,
        target=member,
        request=request,
        old_role=old_role,
        new_role=role,
    )


def check_remove_member(membership: Membership, member: Membership, request=None) -> None:
    require_permission(membership, "manage_team")
    if member.role == Role.OWNER:
        raise AccountsError("remove_owner", _("The owner cannot be removed from the account."))
    member.delete()
    audit.record(
        "accounts.member.removed",
        account=membership.account,
        actor=membership.user,
        request=request,
        email=member.user.email,
        role=member.role,
    )


def check_update_account(membership: Membership, form) -> Account:
    """``form`` is a bound, valid AccountDetailsForm of ``membership.account``."""
    require_permission(membership, "manage_account")
    changed = form.changed_data
    # A replaced or cleared image: the old file goes once the change commits.
    replaced = stored(Account.objects.get(pk=form.instance.pk).image) if "image" in changed else []
    account = form.save()
    delete_on_commit(replaced)
    if "profile_is_public" in changed:
        audit.record(
            "accounts.account.profile_visibility_changed",
            account=account,
            actor=membership.user,
            target=account,
            is_public=account.profile_is_public,
        )
    return account


def new_api_key_secret() -> str:
    return secrets.token_hex(API_KEY_LENGTH // 2)


def check_create_api_key(membership: Membership, name: str, request=None) -> tuple[ApiKey, str]:
    """A new key for ``membership``; returns it with its secret, which is never stored or shown again."""
    require_permission(membership, "use_api")
    if not entitlements.has_feature(membership.account, "api"):
        raise AccountsError("plan_lacks_api", _("Your plan does not include the API. Upgrade to use API keys."))
    return do_create_api_key(membership, name, request=request)


def do_create_api_key(membership: Membership, name: str, request=None) -> tuple[ApiKey, str]:
    secret = new_api_key_secret()
    key = ApiKey.objects.create(
        membership=membership,
        name=name.strip() or _("API key"),
        prefix=secret[:API_KEY_PREFIX_LENGTH],
        digest=token_digest(secret),
    )
    audit.record(
        "accounts.api_key.created",
        account=membership.account,
        actor=membership.user,
        target=key,
        request=request,
        prefix=key.prefix,
    )
    return key, secret


def check_revoke_api_key(membership: Membership, key: ApiKey, request=None) -> None:
    """``key`` comes from ``access_api_key_by_id``; revoking twice is harmless."""
    require_permission(membership, "use_api")
    if key.revoked_at is not None:
        return
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit.record(
        "accounts.api_key.revoked",
        account=membership.account,
        actor=membership.user,
        target=key,
        request=request,
        prefix=key.prefix,
    )


def find_api_key(secret: str) -> ApiKey | None:
    """The active key with this secret, its member and account loaded; None for anything else."""
    secret = secret.strip()
    if len(secret) != API_KEY_LENGTH:
        return None
    digest = token_digest(secret)
    for key in ApiKey.objects.filter(prefix=secret[:API_KEY_PREFIX_LENGTH], revoked_at=None).select_related(
        "membership__account", "membership__user"
    ):
        if hmac.compare_digest(key.digest, digest):
            return key
    return None


def touch_api_key(key: ApiKey) -> None:
    """Remember when a key was last used, writing at most once a minute per key."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
