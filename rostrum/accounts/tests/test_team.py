"""Team members: invitations, roles, removal; all through HTTP, all audited."""

import re

import pytest
from django.core import mail

from conftest import PASSWORD, add_member, make_user
from rostrum.accounts.actions import do_invite_member
from rostrum.accounts.constants import Role
from rostrum.accounts.models import Membership, TeamInvitation, User
from rostrum.billing import entitlements
from rostrum.core.models import AuditEntry


def accept_path(message) -> str:
    return re.search(r"(/invitations/[^\s/]+/)", message.body).group(1)


@pytest.mark.django_db(transaction=True)
def test_owner_invites_a_new_person_who_creates_a_login_from_the_invitation(client_for, owner, client, run_tasks):
    response = client_for(owner.user).post("/account/team/", {"email": "Host@Acme.example", "role": "host"})
    assert response.status_code == 302
    assert not mail.outbox  # queued, not sent inside the request
    assert run_tasks() == 1
    invitation = TeamInvitation.objects.get()
    assert invitation.email == "host@acme.example"
    assert len(mail.outbox) == 1
    assert "Acme Training" in mail.outbox[0].subject
    path = accept_path(mail.outbox[0])
    # Only a digest of the token is stored.
    assert path.split("/")[2] not in invitation.token_digest

    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"first_name": "Hal", "last_name": "Host", "password": PASSWORD, "is_adult": "on"})
    assert response.status_code == 302
    hal = User.objects.get(email="host@acme.example")
    assert Membership.objects.get(user=hal).role == Role.HOST
    assert hal.memberships.count() == 1  # invitees join the inviting account; they get none of their own
    assert client.get("/rooms/").status_code == 200
    assert client.get(path).status_code == 404  # used once
    codes = set(AuditEntry.objects.values_list("code", flat=True))
    assert {"accounts.member.invited", "accounts.member.joined"} <= codes


@pytest.mark.django_db
def test_existing_user_accepts_after_logging_in_and_can_switch_accounts(client_for, owner, other_owner, committed):
    with committed():
        client_for(owner.user).post("/account/team/", {"email": other_owner.user.email, "role": "analyst"})
    path = accept_path(mail.outbox[0])
    other = client_for(other_owner.user)
    assert other.post(path).status_code == 302
    assert other_owner.user.memberships.count() == 2
    assert other.post("/account/switch/", {"account": owner.account.pk}).status_code == 302
    assert other.get("/dashboard/").context["account"] == owner.account
    # An analyst sees rooms but may not create them or manage the team.
    assert other.get("/rooms/").status_code == 200
    assert other.get("/rooms/new/").status_code == 403
    assert other.get("/account/team/").status_code == 403


@pytest.mark.django_db
def test_invitation_for_someone_else_is_refused(client_for, owner, other_owner, committed):
    with committed():
        client_for(owner.user).post("/account/team/", {"email": "someone@acme.example", "role": "host"})
    response = client_for(other_owner.user).post(accept_path(mail.outbox[0]))
    assert response.status_code == 403
    assert other_owner.user.memberships.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "x@acme.example", "role": "owner"}, "Select a valid choice"),
        ({"email": "not an email", "role": "host"}, "Enter a valid email address"),
        ({"email": "owner@acme.example", "role": "host"}, "already a member"),
    ],
)
def test_bad_invitations_are_refused_with_a_reason(client_for, owner, data, message):
    response = client_for(owner.user).post("/account/team/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TeamInvitation.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_team_size_follows_the_plan(client_for, owner):
    allowed = entitlements.limit(owner.account, "team_members")
    c = client_for(owner.user)
    for n in range(allowed - 1):  # the owner takes one seat
        assert c.post("/account/team/", {"email": f"p{n}@acme.example", "role": "host"}).status_code == 302
    response = c.post("/account/team/", {"email": "one-too-many@acme.example", "role": "host"})
    assert response.status_code == 400
    assert f"allows {allowed} team members" in response.content.decode()
    assert TeamInvitation.objects.count() == allowed - 1


@pytest.mark.django_db
def test_role_change_and_removal_are_audited_and_owner_is_protected(client_for, owner):
    host = add_member(owner, "host@acme.example", Role.HOST)
    c = client_for(owner.user)
    assert c.post(f"/account/team/{host.pk}/role/", {"role": "admin"}).status_code == 302
    host.refresh_from_db()
    assert host.role == Role.ADMIN
    entry = AuditEntry.objects.get(code="accounts.member.role_changed")
    assert entry.data == {"old_role": "host", "new_role": "admin"}
    assert entry.actor == owner.user

    # The new admin may manage the team but not demote or remove the owner.
    admin = client_for(host.user)
    admin.post(f"/account/team/{owner.pk}/role/", {"role": "host"})
    admin.post(f"/account/team/{owner.pk}/remove/")
    owner.refresh_from_db()
    assert owner.role == Role.OWNER

    assert c.post(f"/account/team/{host.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=host.pk).exists()
    assert AuditEntry.objects.filter(code="accounts.member.removed").exists()
    assert client_for(host.user).get("/rooms/").status_code == 404  # no account any more


@pytest.mark.django_db
def test_host_cannot_manage_the_team(client_for, owner):
    host = add_member(owner, "host@acme.example", Role.HOST)
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    c = client_for(host.user)
    assert c.post("/account/team/", {"email": "x@acme.example", "role": "admin"}).status_code == 403
    assert c.post(f"/account/team/{analyst.pk}/role/", {"role": "admin"}).status_code == 403
    assert c.post(f"/account/team/{analyst.pk}/remove/").status_code == 403
    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST
    assert not TeamInvitation.objects.filter(email="x@acme.example").exists()


@pytest.mark.django_db
def test_withdrawn_invitation_no_longer_works(client_for, owner, client, committed):
    c = client_for(owner.user)
    with committed():
        c.post("/account/team/", {"email": "late@acme.example", "role": "host"})
    invitation = TeamInvitation.objects.get()
    assert c.post(f"/account/team/invitations/{invitation.pk}/revoke/").status_code == 302
    assert client.get(accept_path(mail.outbox[0])).status_code == 404


@pytest.mark.django_db
def test_invited_email_already_registered_must_log_in(client, owner, committed):
    known = make_user("known@acme.example")
    with committed():
        do_invite_member(owner.account, "known@acme.example", Role.HOST, invited_by=owner.user)
    path = accept_path(mail.outbox[0])
    response = client.post(path, {"first_name": "Im", "last_name": "Poster", "password": PASSWORD, "is_adult": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not known.memberships.exists()
