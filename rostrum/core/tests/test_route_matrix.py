"""Every route, every kind of visitor: anonymous, another account's owner, a role that may not act.

A new route fails ``test_every_route_is_in_the_matrix`` until it is added here with its rule.
On refusal nothing may change: the database state is compared before and after.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import add_member
from rostrum.accounts.actions import do_create_api_key
from rostrum.accounts.constants import Role
from rostrum.accounts.models import Account, ApiKey, Membership, TeamInvitation
from rostrum.contacts.models import Contact, ContactImport, ContactList, Invitation, Unsubscription
from rostrum.engagement.models import ChatAttachment
from rostrum.engagement.tests.factories import make_chat_attachment
from rostrum.library.models import LibraryFile
from rostrum.library.tests.factories import make_library_file
from rostrum.notifications.models import OutboxMessage, OutgoingEmail, Suppression
from rostrum.recordings.models import Recording, RecordingSettings
from rostrum.registration.models import Registrant, RegistrationField, RegistrationSettings
from rostrum.rooms.actions import check_generate_access_tokens
from rostrum.rooms.models import AccessToken, Room, Session
from rostrum.rooms.tests.factories import make_room
from rostrum.webhooks.models import Webhook, WebhookDelivery
from rostrum.whiteboard.models import Whiteboard

PUBLIC = "public"
LOGIN = "login"
STAFF = "staff"
# name → (who may use it, what its URL names, the permission a member needs or None)
ROUTES = {
    "home": (PUBLIC, None, None),
    "healthz": (PUBLIC, None, None),
    "set_language": (PUBLIC, None, None),
    "join": (PUBLIC, None, None),
    "room_enter": (PUBLIC, "room_slugs", None),
    "room_lobby": (PUBLIC, "room_slugs", None),
    "room_present": (PUBLIC, "presenter_link", None),  # the signed token is the permission
    "public_profile": (PUBLIC, "account_slug", None),
    # The room page's participant key (in the Django session) is the permission: participants of the
    # presentation's session only, everyone else 404 (rostrum/engagement/tests/test_presentation_views.py).
    "presentation_page": (PUBLIC, "presentation", None),
    "presentation_download": (PUBLIC, "presentation", None),
    # The same rule for a shared video's MP4: its session's admitted participants, else 404
    # (rostrum/videoshare/tests/test_views.py).
    "shared_video_file": (PUBLIC, "shared_video", None),
    # Files in chat: the same participant key (rostrum/engagement/tests/test_chat_files.py).
    "chat_file_upload": (PUBLIC, "live_session", None),
    "chat_file_download": (PUBLIC, "chat_file", None),
    "accept_invitation": (PUBLIC, "token", None),
    "dashboard": (LOGIN, None, None),
    "switch_account": (LOGIN, None, None),
    "account_details": (LOGIN, None, "manage_account"),
    "team": (LOGIN, None, "manage_team"),
    "change_member_role": (LOGIN, "member", "manage_team"),
    "remove_member": (LOGIN, "member", "manage_team"),
    "revoke_invitation": (LOGIN, "invitation", "manage_team"),
    "room_list": (LOGIN, None, "view_rooms"),
    "room_create": (LOGIN, None, "manage_rooms"),
    "room_detail": (LOGIN, "room", "view_rooms"),
    "room_edit": (LOGIN, "room", "manage_rooms"),
    "room_delete": (LOGIN, "room", "manage_rooms"),
    "room_generate_tokens": (LOGIN, "room", "manage_rooms"),
    "room_tokens_csv": (LOGIN, "room", "manage_rooms"),  # unused tokens are keys: not for analysts
    "room_session_detail": (LOGIN, "session", "view_reports"),  # reports: analysts read them
    "room_session_chat_csv": (LOGIN, "session", "view_reports"),
    "room_session_chat_file": (LOGIN, "session_chat_file", "view_reports"),  # a file posted in the chat
    "room_session_report_zip": (LOGIN, "session", "view_reports"),
    "room_session_report_csv": (LOGIN, "session", "view_reports"),
    "room_session_report_xlsx": (LOGIN, "session", "view_reports"),
    "room_session_report_pdf": (LOGIN, "session", "view_reports"),
    "whiteboard_png": (LOGIN, "session", "view_reports"),  # the board as it ended, from the report
    "whiteboard_pdf": (LOGIN, "session", "view_reports"),
    # The room page's participant key, like presentation_page (rostrum/whiteboard/tests/test_views.py).
    "whiteboard_image": (PUBLIC, "whiteboard", None),
    "contact_list": (LOGIN, None, "manage_rooms"),
    "contact_create": (LOGIN, None, "manage_rooms"),
    "contact_bulk": (LOGIN, None, "manage_rooms"),
    "contact_export": (LOGIN, None, "manage_rooms"),
    "contact_lists": (LOGIN, None, "manage_rooms"),
    "contact_import": (LOGIN, None, "manage_rooms"),
    "contact_edit": (LOGIN, "contact", "manage_rooms"),
    "contact_delete": (LOGIN, "contact", "manage_rooms"),
    "contact_list_edit": (LOGIN, "contact_list", "manage_rooms"),
    "contact_list_delete": (LOGIN, "contact_list", "manage_rooms"),
    "contact_import_preview": (LOGIN, "contact_import", "manage_rooms"),
    "contact_import_progress": (LOGIN, "contact_import", "manage_rooms"),
    "contact_import_status": (LOGIN, "contact_import", "manage_rooms"),
    "contact_import_errors": (LOGIN, "contact_import", "manage_rooms"),
    "contact_import_delete": (LOGIN, "contact_import", "manage_rooms"),
    "room_invite": (LOGIN, "room", "manage_rooms"),
    "contacts_unsubscribe": (PUBLIC, "token", None),  # the signed token names the account and address
    "outbox_list": (STAFF, None, None),
    "outbox_detail": (STAFF, "outbox_message", None),
    "outgoing_detail": (STAFF, "outgoing_email", None),
    "outgoing_resend": (STAFF, "outgoing_email", None),
    "mailbox_list": (STAFF, None, None),
    "suppression_list": (STAFF, None, None),
    "suppression_lift": (STAFF, "suppression", None),
    "registration_settings": (LOGIN, "room", "manage_rooms"),
    "registration_field_add": (LOGIN, "room", "manage_rooms"),
    "registration_field_edit": (LOGIN, "registration_field", "manage_rooms"),
    "registration_field_delete": (LOGIN, "registration_field", "manage_rooms"),
    "registration_field_move": (LOGIN, "registration_field", "manage_rooms"),
    "registrant_list": (LOGIN, "room", "manage_rooms"),
    "registrants_csv": (LOGIN, "room", "manage_rooms"),
    "registrant_approve": (LOGIN, "registrant", "manage_rooms"),
    "registrant_reject": (LOGIN, "registrant", "manage_rooms"),
    "registrant_remove": (LOGIN, "registrant", "manage_rooms"),
    "registration_register": (PUBLIC, "room_slugs", None),
    "registration_done": (PUBLIC, "room_slugs", None),
    "registration_join": (PUBLIC, "registrant_link", None),  # the signed token is the permission
    "library_list": (LOGIN, None, "view_rooms"),
    "library_upload": (LOGIN, None, "manage_rooms"),
    "library_help": (PUBLIC, None, None),  # the accepted formats and limits, also for the curious
    "library_file_download": (LOGIN, "library_file", "view_rooms"),  # analysts may read the files
    "library_file_rename": (LOGIN, "library_file", "manage_rooms"),
    "library_file_attach": (LOGIN, "library_file", "manage_rooms"),
    "library_file_status": (LOGIN, "library_file", "view_rooms"),
    "library_file_pages": (LOGIN, "library_file", "view_rooms"),
    "library_page_image": (LOGIN, "library_page", "view_rooms"),
    "library_file_converted": (LOGIN, "library_file", "view_rooms"),
    "library_file_delete": (LOGIN, "library_file", "manage_rooms"),
    "recording_list": (LOGIN, None, "view_rooms"),  # analysts may watch the account's recordings
    "recording_detail": (LOGIN, "recording", "view_rooms"),
    "recording_media": (LOGIN, "recording", "view_rooms"),
    "recording_download": (LOGIN, "recording", "view_rooms"),
    "recording_share": (LOGIN, "recording", "manage_rooms"),
    "recording_signed_link": (LOGIN, "recording", "manage_rooms"),
    "recording_delete": (LOGIN, "recording", "manage_rooms"),
    "recording_public": (PUBLIC, "token", None),  # the share token is the permission
    "recording_public_media": (PUBLIC, "token", None),
    "recording_signed": (PUBLIC, "token", None),  # the signed, expiring token is the permission
    "recording_signed_media": (PUBLIC, "token", None),
    "room_recording_settings": (LOGIN, "room", "manage_rooms"),
    "api_keys": (LOGIN, None, "use_api"),
    "create_api_key": (LOGIN, None, "use_api"),
    "revoke_api_key": (LOGIN, "api_key", "use_api"),
    "developers_api": (PUBLIC, None, None),
    "webhook_list": (LOGIN, None, "manage_account"),  # webhooks see the whole account's data
    "webhook_create": (LOGIN, None, "manage_account"),
    "webhook_detail": (LOGIN, "webhook", "manage_account"),
    "webhook_edit": (LOGIN, "webhook", "manage_account"),
    "webhook_set_active": (LOGIN, "webhook", "manage_account"),
    "webhook_rotate_secret": (LOGIN, "webhook", "manage_account"),
    "webhook_delete": (LOGIN, "webhook", "manage_account"),
    "webhook_ping": (LOGIN, "webhook", "manage_account"),
    "webhook_delivery_detail": (LOGIN, "webhook_delivery", "manage_account"),
    "webhook_delivery_retry": (LOGIN, "webhook_delivery", "manage_account"),
}
# What a URL can name that belongs to one account: another account's answers 404.
OWNED_KINDS = ("room", "session", "member", "invitation", "contact", "contact_list", "contact_import",
               "registration_field", "registrant", "api_key", "library_file", "library_page", "webhook",
               "webhook_delivery", "recording", "session_chat_file")  # fmt: skip
# Third-party route groups, tested through their own flows (sign-up, login, 2FA tests) or Django's admin.
EXTERNAL_PREFIXES = ("admin/", "accounts/", "media/", "api/")  # api/: key-authenticated, rostrum/api/tests
POSTS = {
    "change_member_role": {"role": "admin"},
    "room_edit": {"name": "Taken over", "room_type": "webinar", "is_permanent": "on", "timezone": "UTC",
                  "access_type": "open", "slug": "taken"},
    "room_generate_tokens": {"count": "3"},
    "library_file_rename": {"name": "Taken over"},
    "webhook_create": {"url": "https://hooks.example.com/x", "events": ["session.started"]},
    "webhook_edit": {"url": "https://hooks.example.com/x", "events": ["session.started"]},
    "webhook_set_active": {"active": "0"},
    "account_details": {"name": "Taken over", "country": "PL", "timezone": "UTC"},
    "team": {"email": "intruder@evil.example", "role": "admin"},
    "room_create": {"name": "Intruder room", "room_type": "webinar", "is_permanent": "on", "timezone": "UTC",
                    "access_type": "open"},
}  # fmt: skip


def named_routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from named_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def test_every_route_is_in_the_matrix():
    ours = {name for route, name in named_routes() if not route.lstrip("^").startswith(EXTERNAL_PREFIXES)}
    assert None not in ours, "every route of ours has a name"
    assert ours == set(ROUTES)


def database_state():
    return (
        sorted(Account.objects.values_list("id", "name", "profile_is_public")),
        sorted(Membership.objects.values_list("id", "account_id", "user_id", "role")),
        sorted(TeamInvitation.objects.values_list("id", "email", "revoked_at")),
        sorted(Room.objects.values_list("id", "account_id", "name", "slug", "access_type", "password")),
        sorted(AccessToken.objects.values_list("id", "used_at")),
        sorted(OutgoingEmail.objects.values_list("id", "status")),
        sorted(Suppression.objects.values_list("id", "email")),
        sorted(Contact.objects.values_list("id", "email", "first_name")),
        sorted(ContactList.objects.values_list("id", "name")),
        sorted(ContactImport.objects.values_list("id", "status")),
        sorted(Invitation.objects.values_list("id", "email")),
        sorted(Unsubscription.objects.values_list("id", "email")),
        sorted(Registrant.objects.values_list("id", "status", "nonce")),
        sorted(RegistrationField.objects.values_list("id", "label", "position")),
        sorted(RegistrationSettings.objects.values_list("id", "enabled")),
        sorted(ApiKey.objects.values_list("id", "revoked_at")),
        sorted(LibraryFile.objects.values_list("id", "name", "room_id", "file")),
        sorted(ChatAttachment.objects.values_list("id", "name", "file")),
        sorted(Recording.objects.values_list("id", "is_public", "share_token", "file")),
        sorted(RecordingSettings.objects.values_list("id", "records_automatically")),
        sorted(Webhook.objects.values_list("id", "url", "is_active", "secret")),
        sorted(WebhookDelivery.objects.values_list("id", "status", "attempts", "next_attempt_at")),
    )


@pytest.fixture
def world(owner, other_owner):
    """Two accounts, each with a room (token access) and its session, a host, an analyst and a pending invitation."""
    objects = {}
    for key, membership in (("mine", owner), ("theirs", other_owner)):
        room = make_room(membership, name=f"{key} room", access_type="token", is_public=True)
        check_generate_access_tokens(membership, room, 2)
        domain = membership.account.slug
        host = add_member(membership, f"host@{domain}.example", Role.HOST)
        analyst = add_member(membership, f"analyst@{domain}.example", Role.ANALYST)
        invitation = TeamInvitation.objects.create(
            account=membership.account,
            email=f"pending@{domain}.example",
            role=Role.HOST,
            token_digest=f"{key:0>64}",
            expires_at=room.starts_at,
        )
        objects[key] = {
            "owner": membership,
            "room": room,
            "session": Session.objects.create(room=room),
            "host": host,
            "analyst": analyst,
            "invitation": invitation,
            "contact": Contact.objects.create(account=membership.account, email=f"ann@{domain}.example"),
            "contact_list": ContactList.objects.create(account=membership.account, name="Customers"),
            "contact_import": ContactImport.objects.create(account=membership.account, original_name="c.csv"),
            "registration_field": RegistrationField.objects.create(room=room, label="Company"),
            "api_key": do_create_api_key(membership, "Integration")[0],
            "library_file": make_library_file(membership, name="deck.pdf"),
            "recording": Recording.objects.create(account=membership.account, room=room, status="ready"),
            "webhook": Webhook.objects.create(
                account=membership.account, url="https://hooks.example.com/x", events=["session.started"], secret="s"
            ),
            "registrant": Registrant.objects.create(
                room=room, first_name="Ann", last_name="A", email=f"ann@{domain}.example", language="en"
            ),
        }
        objects[key]["chat_file"] = make_chat_attachment(objects[key]["session"])
        Whiteboard.objects.create(session=objects[key]["session"])  # a session without one has no export: 404
        objects[key]["webhook_delivery"] = WebhookDelivery.objects.create(
            webhook=objects[key]["webhook"], event="session.started", status="failed", next_attempt_at=room.starts_at
        )
    objects["outbox_message"] = OutboxMessage.objects.create(from_email="a@b", to="c@d", subject="Hi", body="x")
    failed = {"status": "failed", "next_attempt_at": room.starts_at, "message_id": "<m@x>", "language": "en"}
    objects["outgoing_email"] = OutgoingEmail.objects.create(to_email="c@d.example", subject="Hi", body="x", **failed)
    objects["suppression"] = Suppression.objects.create(email="gone@d.example", reason="hard_bounce")
    return objects


def url_for(name: str, world, whose: str = "mine") -> str:
    kind = ROUTES[name][1]
    target = world[whose]
    args = {
        None: [],
        "room": [target["room"].pk],
        "session": [target["room"].pk, target["session"].pk],
        "session_chat_file": [target["room"].pk, target["session"].pk, target["chat_file"].pk],
        "member": [target["host"].pk],
        "contact": [target["contact"].pk],
        "contact_list": [target["contact_list"].pk],
        "contact_import": [target["contact_import"].pk],
        "invitation": [target["invitation"].pk],
        "room_slugs": [target["room"].account.slug, target["room"].slug],
        "account_slug": [target["room"].account.slug],
        "token": ["not-a-real-token"],
        "outbox_message": [world["outbox_message"].pk],
        "outgoing_email": [world["outgoing_email"].pk],
        "suppression": [world["suppression"].pk],
        "registration_field": [target["room"].pk, target["registration_field"].pk],
        "registrant": [target["room"].pk, target["registrant"].pk],
        "api_key": [target["api_key"].pk],
        "library_file": [target["library_file"].pk],
        "library_page": [target["library_file"].pk, 1],
        "recording": [target["recording"].pk],
        "webhook": [target["webhook"].pk],
        "webhook_delivery": [target["webhook"].pk, target["webhook_delivery"].pk],
        "registrant_link": [target["room"].account.slug, target["room"].slug, "not-a-real-token"],
    }[kind]
    return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, rule in ROUTES.items() if rule[0] in (LOGIN, STAFF)])
def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, world, name):
    before = database_state()
    for method in ("get", "post"):
        response = getattr(client, method)(url_for(name, world), POSTS.get(name, {}))
        assert response.status_code in (302, 405), (method, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, rule in ROUTES.items() if rule[1] in OWNED_KINDS])
def test_another_accounts_objects_answer_404_and_change_nothing(client_for, world, name):
    intruder = client_for(world["mine"]["owner"].user)
    before = database_state()
    for method in ("get", "post"):
        response = getattr(intruder, method)(url_for(name, world, whose="theirs"), POSTS.get(name, {}))
        assert response.status_code in (404, 405), (method, response.status_code)
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, rule in ROUTES.items() if rule[2] and rule[2].startswith("manage")])
def test_a_role_without_the_permission_gets_403_and_changes_nothing(client_for, world, name):
    analyst = client_for(world["mine"]["analyst"].user)
    before = database_state()
    for method in ("get", "post"):
        response = getattr(analyst, method)(url_for(name, world), POSTS.get(name, {}))
        assert response.status_code in (403, 405), (method, response.status_code)
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, rule in ROUTES.items() if rule[0] == STAFF])
def test_staff_pages_refuse_account_owners(client_for, world, name):
    response = client_for(world["mine"]["owner"].user).get(url_for(name, world))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_lists_show_only_the_current_accounts_things(client_for, world):
    me = client_for(world["mine"]["owner"].user)
    rooms = me.get(reverse("room_list")).content.decode()
    team = me.get(reverse("team")).content.decode()
    assert "mine room" in rooms and "theirs room" not in rooms
    assert "host@acme-training.example" in team and "host@globex.example" not in team
    assert "pending@globex.example" not in team


@pytest.mark.django_db
def test_switching_to_an_account_you_are_not_in_answers_404(client_for, world):
    me = client_for(world["mine"]["owner"].user)
    theirs = world["theirs"]["owner"].account
    assert me.post(reverse("switch_account"), {"account": theirs.pk}).status_code == 404
    assert me.post(reverse("switch_account"), {"account": "nonsense"}).status_code == 404
    assert me.get(reverse("dashboard")).context["account"] == world["mine"]["owner"].account


@pytest.mark.django_db
def test_hosts_run_rooms_but_not_the_team(client_for, world):
    host = client_for(world["mine"]["host"].user)
    room = world["mine"]["room"]
    assert host.get(reverse("room_edit", args=[room.pk])).status_code == 200
    assert host.get(reverse("team")).status_code == 403
    assert host.get(reverse("account_details")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, rule in ROUTES.items() if rule[1] == "session"])
def test_a_session_answers_only_under_its_own_room(client_for, world, name):
    """Our room's id with another room's session is refused like any unknown pair; analysts read reports."""
    mine = world["mine"]
    other_room = make_room(mine["owner"], name="Another of ours")
    analyst = client_for(mine["analyst"].user)
    assert analyst.get(url_for(name, world)).status_code == 200
    assert analyst.get(reverse(name, args=[other_room.pk, mine["session"].pk])).status_code == 404
    assert analyst.get(reverse(name, args=[mine["room"].pk, world["theirs"]["session"].pk])).status_code == 404
