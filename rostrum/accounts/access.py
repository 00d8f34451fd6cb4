"""Fetching account-owned things with the security check built in.

Everything here takes the acting membership (a user's place in one account). Another account's
object answers 404, exactly like one that does not exist; a role that may not act answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from rostrum.accounts.constants import PERMISSIONS
from rostrum.accounts.models import ApiKey, Membership, TeamInvitation


def has_permission(membership: Membership | None, permission: str) -> bool:
    return membership is not None and membership.role in PERMISSIONS[permission]


def require_permission(membership: Membership | None, permission: str) -> Membership:
    if membership is None:
        raise Http404
    if not has_permission(membership, permission):
        raise PermissionDenied
    return membership


def access_membership_by_account_id(user, account_id) -> Membership:
    return get_object_or_404(Membership.objects.select_related("account"), user=user, account_id=account_id)


def access_member_by_id(membership: Membership, member_id: int) -> Membership:
    require_permission(membership, "manage_team")
    return get_object_or_404(Membership.objects.select_related("user"), account=membership.account, pk=member_id)


def access_invitation_by_id(membership: Membership, invitation_id: int) -> TeamInvitation:
    require_permission(membership, "manage_team")
    return get_object_or_404(TeamInvitation, account=membership.account, pk=invitation_id)


def access_api_key_by_id(membership: Membership, key_id: int) -> ApiKey:
    """A member manages their own keys; owners and admins manage every key of the account."""
    require_permission(membership, "use_api")
    keys = ApiKey.objects.filter(membership__account=membership.account)
    if not has_permission(membership, "manage_account"):
        keys = keys.filter(membership=membership)
    return get_object_or_404(keys.select_related("membership__user"), pk=key_id)
