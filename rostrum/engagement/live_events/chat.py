from rostrum.engagement.actions.chat import can_see, message_data
from rostrum.engagement.constants import RECENT_CHAT_IN_SNAPSHOT
from rostrum.engagement.models import ChatMessage
from rostrum.live.registry import reduces, snapshot_part
from rostrum.live.snapshot import put_by_id


@snapshot_part
def chat_part(context) -> dict:
    viewer = context.viewer
    # The room's switch (chat_files.check_allow_files); organisers may send files whatever it says.
    files_allowed = context.session.room.chat_files_allowed
    if not viewer.is_admitted:
        return {"chat": [], "chat_files_allowed": files_allowed}
    recent = (
        ChatMessage.objects.filter(session=context.session, deleted_at=None)
        .select_related("author", "attachment")
        .order_by("-id")[: RECENT_CHAT_IN_SNAPSHOT * 2]
    )
    visible = [message_data(m) for m in reversed(recent) if can_see(m, viewer)]
    return {"chat": visible[-RECENT_CHAT_IN_SNAPSHOT:], "chat_files_allowed": files_allowed}


@reduces("chat.posted")
def chat_posted(snapshot, data, viewer):
    put_by_id(snapshot["chat"], data)
    del snapshot["chat"][:-RECENT_CHAT_IN_SNAPSHOT]


@reduces("chat.deleted")
def chat_deleted(snapshot, data, viewer):
    snapshot["chat"] = [m for m in snapshot["chat"] if m["id"] != data["id"]]


@reduces("chat.locked")
def chat_locked(snapshot, data, viewer):
    snapshot["session"]["chat_locked"] = data["locked"]


@reduces("chat.files_allowed")
def chat_files_allowed(snapshot, data, viewer):
    snapshot["chat_files_allowed"] = data["allowed"]


@reduces("participant.chat_muted")
def chat_muted(snapshot, data, viewer):
    if snapshot["me"]["id"] == data["id"]:
        snapshot["me"]["is_chat_muted"] = data["muted"]


@reduces("participant.expelled")
def expelled(snapshot, data, viewer):
    for key in ("lobby", "hands"):
        if key in snapshot:
            snapshot[key] = [p for p in snapshot[key] if p["id"] != data["id"]]
