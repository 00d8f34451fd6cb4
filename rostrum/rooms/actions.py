"""Creating, changing and entering rooms. check_* authorise and validate, do_* change."""

import csv
import io

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.accounts.locks import lock_account
from rostrum.billing import entitlements
from rostrum.core import audit
from rostrum.core.ids import random_access_code, random_room_number
from rostrum.core.storage import StoredFile, delete_on_commit, files_under
from rostrum.rooms.constants import ACCESS_FEATURES, AccessType
from rostrum.rooms.errors import RoomsError
from rostrum.rooms.models import AccessToken, Room, Session

ACCESS_FIELDS = ("access_type", "password")


def _new_room_number() -> str:
    while True:
        number = random_room_number()
        if not Room.objects.filter(number=number).exists():
            return number


def _check_access_feature(account, access_type: str) -> None:
    feature = ACCESS_FEATURES.get(access_type)
    if feature and not entitlements.has_feature(account, feature):
        raise RoomsError("feature_unavailable", _("Your plan does not include this kind of access."))


def check_create_room(membership, form, request=None) -> Room:
    """``form`` is a bound, valid RoomForm without an instance."""
    require_permission(membership, "manage_rooms")
    account = lock_account(membership.account)
    allowed = entitlements.limit(account, "rooms")
    if Room.objects.filter(account=account).count() >= allowed:
        raise RoomsError("room_limit", _("Your plan allows %(count)d rooms.") % {"count": allowed})
    _check_access_feature(account, form.cleaned_data["access_type"])
    room = form.save(commit=False)
    room.account = account
    room.created_by = membership.user
    for _attempt in range(5):
        room.number = _new_room_number()
        try:
            with transaction.atomic():
                room.save()
            break
        except IntegrityError:
            # Another room took the same number or slug in between; a slug clash is the form's.
            if Room.objects.filter(account=account, slug=room.slug).exists():
                raise RoomsError("slug_taken", _("You already have a room at this address.")) from None
    audit.record(
        "rooms.room.created",
        account=account,
        actor=membership.user,
        target=room,
        request=request,
        access_type=room.access_type,
    )
    return room


def check_update_room(membership, form, request=None) -> Room:
    """``form`` is a bound, valid RoomForm of one of ``membership``'s rooms."""
    require_permission(membership, "manage_rooms")
    _check_access_feature(membership.account, form.cleaned_data["access_type"])
    access_changed = [field for field in ACCESS_FIELDS if field in form.changed_data]
    room = form.save()
    if access_changed:
        audit.record(
            "rooms.room.access_changed",
            account=room.account,
            actor=membership.user,
            target=room,
            request=request,
            access_type=room.access_type,
            changed=access_changed,
        )
    return room


def check_delete_room(membership, room: Room, request=None) -> None:
    require_permission(membership, "manage_rooms")
    audit.record(
        "rooms.room.deleted",
        account=room.account,
        actor=membership.user,
        request=request,
        number=room.number,
        name=room.name,
    )
    do_delete_room(room)


def do_delete_room(room: Room) -> None:
    """Delete the room with its sessions and all they hold; their stored files go once that commits.

    The sessions' rows are locked first: a chat file being posted holds its session's lock, so it is
    either committed and found here, or fails once the room is gone (and removes its own bytes)."""
    with transaction.atomic():
        list(room.sessions.select_for_update().values_list("pk", flat=True))
        delete_on_commit(files_under(room.sessions.all()))
        room.delete()


def session_files_of_accounts(accounts) -> list[StoredFile]:
    """What the rooms' sessions of ``accounts`` stored (registered under ``accounts.Account``)."""
    return files_under(Session.objects.filter(room__account__in=accounts))


def check_set_room_active(membership, room: Room, is_active: bool, request=None) -> Room:
    """Open (active) or close (inactive) a room; an inactive room lets no one in but its organisers."""
    require_permission(membership, "manage_rooms")
    if room.is_active != is_active:
        room.is_active = is_active
        room.save(update_fields=["is_active", "updated_at"])
        audit.record(
            "rooms.room.status_changed",
            account=room.account,
            actor=membership.user,
            target=room,
            request=request,
            is_active=is_active,
        )
    return room


def check_delete_access_tokens(membership, room: Room, tokens, request=None) -> int:
    """Delete these unused tokens of ``room`` (used ones stay: they are the record of who came in)."""
    require_permission(membership, "manage_rooms")
    wanted = {str(token).strip().upper() for token in tokens if str(token).strip()}
    deleted, _details = AccessToken.objects.filter(room=room, token__in=wanted, used_at=None).delete()
    if deleted:
        audit.record(
            "rooms.room.tokens_deleted",
            account=room.account,
            actor=membership.user,
            target=room,
            request=request,
            count=deleted,
        )
    return deleted


def check_generate_access_tokens(membership, room: Room, count: int, request=None) -> list[AccessToken]:
    require_permission(membership, "manage_rooms")
    lock_account(room.account)  # batch numbers are counted per room
    allowed = entitlements.limit(room.account, "access_tokens_per_batch")
    if not 1 <= count <= allowed:
        raise RoomsError("token_count", _("Generate between 1 and %(count)d tokens at a time.") % {"count": allowed})
    batch = (room.access_tokens.order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    tokens = []
    while len(tokens) < count:
        candidates = {random_access_code() for _ in range(count - len(tokens))}
        taken = set(AccessToken.objects.filter(token__in=candidates).values_list("token", flat=True))
        tokens += [AccessToken(room=room, token=t, batch=batch) for t in candidates - taken]
    AccessToken.objects.bulk_create(tokens)
    audit.record(
        "rooms.room.tokens_generated",
        account=room.account,
        actor=membership.user,
        target=room,
        request=request,
        count=count,
        batch=batch,
    )
    return tokens


def build_access_tokens_csv(room: Room) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["room_number", "token", "batch", "created_at", "used_at", "used_by"])
    for token in room.access_tokens.all():
        used_by = token.used_by_name
        if used_by[:1] in ("=", "+", "-", "@"):
            used_by = "'" + used_by  # keep spreadsheet formulas out of exported names
        writer.writerow(
            [
                room.number,
                token.token,
                token.batch,
                token.created_at.isoformat(),
                token.used_at.isoformat() if token.used_at else "",
                used_by,
            ]
        )
    return out.getvalue()


def check_enter_room(room: Room, *, display_name: str, secret: str) -> AccessToken | None:
    """Let a person into a room's page, or refuse with one message whatever was wrong.

    Returns the access token used, if any. A token is spent here.
    """
    refused = RoomsError("not_admitted", _("We could not find a room with this number and password or token."))
    if not room.is_active:
        raise RoomsError("room_inactive", _("This room is closed at the moment."))
    if room.access_type == AccessType.PASSWORD:
        if not room.password or not constant_time_compare(secret.strip(), room.password):
            raise refused
        return None
    if room.access_type == AccessType.TOKEN:
        with transaction.atomic():
            token = (
                AccessToken.objects.select_for_update()
                .filter(room=room, token=secret.strip().upper(), used_at=None)
                .first()
            )
            if token is None:
                raise refused
            token.used_at = timezone.now()
            token.used_by_name = display_name
            token.save(update_fields=["used_at", "used_by_name"])
        return token
    return None
