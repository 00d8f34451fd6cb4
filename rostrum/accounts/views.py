from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rostrum.accounts import actions
from rostrum.accounts.access import (
    access_api_key_by_id,
    access_invitation_by_id,
    access_member_by_id,
    access_membership_by_account_id,
    has_permission,
)
from rostrum.accounts.decorators import account_permission_required
from rostrum.accounts.errors import AccountsError
from rostrum.accounts.forms import (
    AcceptInvitationForm,
    AccountDetailsForm,
    ApiKeyForm,
    ChangeRoleForm,
    InviteMemberForm,
)
from rostrum.accounts.middleware import SESSION_KEY
from rostrum.accounts.models import ApiKey, User
from rostrum.billing import entitlements
from rostrum.reports.dashboard import PERIOD_DAYS, build_account_dashboard
from rostrum.reports.presentation import weekly_charts


def _period_days(request) -> int:
    """The period the dashboard's figures cover: one of PERIOD_DAYS, the first by default."""
    asked = request.GET.get("days", "")
    return int(asked) if asked in {str(days) for days in PERIOD_DAYS} else PERIOD_DAYS[0]


@login_required
def dashboard(request):
    if request.membership is None:
        return render(request, "accounts/no_account.html")
    account = request.membership.account
    context = {"account": account, "recent_rooms": account.rooms.order_by("-created_at")[:5]}
    if has_permission(request.membership, "view_reports"):
        figures = build_account_dashboard(account, _period_days(request))
        context |= {"figures": figures, "period_days": PERIOD_DAYS, "weekly_charts": weekly_charts(figures)}
    return render(request, "accounts/dashboard.html", context)


@require_POST
@login_required
def switch_account(request):
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        raise Http404 from None
    membership = access_membership_by_account_id(request.user, account_id)
    request.session[SESSION_KEY] = membership.account_id
    return redirect("dashboard")


@account_permission_required("manage_account")
def account_details(request):
    account = request.membership.account
    form = AccountDetailsForm(request.POST or None, request.FILES or None, instance=account)
    if request.method == "POST" and form.is_valid():
        actions.check_update_account(request.membership, form)
        messages.success(request, _("Account details saved."))
        return redirect("account_details")
    return render(request, "accounts/account_details.html", {"form": form, "account": account})


@account_permission_required("manage_team")
def team(request):
    account = request.membership.account
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                actions.check_invite_member(
                    request.membership, form.cleaned_data["email"], form.cleaned_data["role"], request=request
                )
        except AccountsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("team")
    context = {
        "form": form,
        "members": account.memberships.select_related("user"),
        "invitations": [i for i in account.invitations.filter(accepted_at=None, revoked_at=None) if i.is_pending],
        "role_form": ChangeRoleForm(),
        "seats_in_use": actions.seats_in_use(account),
    }
    return render(request, "accounts/team.html", context, status=400 if form.errors else 200)


@require_POST
@account_permission_required("manage_team")
def change_member_role(request, member_id: int):
    member = access_member_by_id(request.membership, member_id)
    form = ChangeRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return redirect("team")
    try:
        actions.check_change_role(request.membership, member, form.cleaned_data["role"], request=request)
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role changed for %(email)s.") % {"email": member.user.email})
    return redirect("team")


@require_POST
@account_permission_required("manage_team")
def remove_member(request, member_id: int):
    member = access_member_by_id(request.membership, member_id)
    try:
        actions.check_remove_member(request.membership, member, request=request)
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(email)s was removed from the account.") % {"email": member.user.email})
    return redirect("team")


@require_POST
@account_permission_required("manage_team")
def revoke_invitation(request, invitation_id: int):
    invitation = access_invitation_by_id(request.membership, invitation_id)
    try:
        actions.check_revoke_invitation(request.membership, invitation, request=request)
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("team")


def create_invited_user(request, invitation, form) -> User:
    user = User.objects.create_user(
        invitation.email,
        form.cleaned_data["password"],
        first_name=form.cleaned_data["first_name"],
        last_name=form.cleaned_data["last_name"],
        language=getattr(request, "LANGUAGE_CODE", ""),
    )
    # The invitation reached this mailbox, which proves the address.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def accept_invitation(request, token: str):
    invitation = actions.find_pending_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None and user.email.lower() != invitation.email.lower():
        return render(request, "accounts/invitation_other_user.html", {"invitation": invitation}, status=403)
    if user is None and existing is not None:
        messages.info(request, _("Log in as %(email)s to accept the invitation.") % {"email": invitation.email})
        return redirect(f"/accounts/login/?next={request.path}")
    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with transaction.atomic():  # a new login exists only if the invitation is accepted
                if user is None:
                    user = create_invited_user(request, invitation, form)
                membership = actions.do_accept_invitation(invitation, user, request=request)
        except AccountsError as error:
            return render(request, "accounts/invitation_invalid.html", {"message": error.message}, status=409)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = membership.account_id
        messages.success(request, _("Welcome to %(account)s.") % {"account": invitation.account.name})
        return redirect("dashboard")
    return render(request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form})


@account_permission_required("use_api")
def api_keys(request):
    """The member's API keys (owners and admins see the whole account's) and a form for a new one."""
    membership = request.membership
    keys = ApiKey.objects.filter(membership__account=membership.account).select_related("membership__user")
    if not has_permission(membership, "manage_account"):
        keys = keys.filter(membership=membership)
    context = {
        "keys": keys,
        "form": ApiKeyForm(),
        "plan_has_api": entitlements.has_feature(membership.account, "api"),
        "shows_all_members": has_permission(membership, "manage_account"),
    }
    return render(request, "accounts/api_keys.html", context)


@require_POST
@account_permission_required("use_api")
def create_api_key(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the key a name of at most 100 characters."))
        return redirect("api_keys")
    try:
        key, secret = actions.check_create_api_key(request.membership, form.cleaned_data["name"], request=request)
    except AccountsError as error:
        messages.error(request, error.message)
        return redirect("api_keys")
    # Shown on this response only: never stored, never redirected to, never cached.
    response = render(request, "accounts/api_key_created.html", {"key": key, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@account_permission_required("use_api")
def revoke_api_key(request, key_id: int):
    key = access_api_key_by_id(request.membership, key_id)
    if request.method != "POST":
        return render(request, "accounts/api_key_revoke.html", {"key": key})
    actions.check_revoke_api_key(request.membership, key, request=request)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("api_keys")
