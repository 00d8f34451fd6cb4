"""The session's part of a live snapshot, and how session events change it."""

from rostrum.live.registry import reduces, snapshot_part
from rostrum.rooms.models import Participant


def session_state(session) -> str:
    if session.ended_at is not None:
        return "ended"
    return "live" if session.started_at is not None else "waiting"


def card(participant: Participant) -> dict:
    return {"id": participant.pk, "name": participant.display_name, "role": participant.role}


@snapshot_part
def session_part(context) -> dict:
    session, me = context.session, context.participant
    room = session.room
    part = {
        "session": {
            "id": session.pk,
            "state": session_state(session),
            "chat_locked": session.chat_locked,
            "admits_automatically": session.admits_automatically,
            "room": {"name": room.name, "type": room.room_type, "number": room.number},
        },
        "me": {
            "id": me.pk,
            "name": me.display_name,
            "role": me.role,
            "is_admitted": me.is_admitted,
            "is_chat_muted": me.is_chat_muted,
        },
    }
    if me.is_organiser:
        waiting = session.participants.filter(is_admitted=False, is_expelled=False)
        part["lobby"] = [card(p) for p in waiting]
    return part


@reduces("session.started")
def session_started(snapshot, data, viewer):
    snapshot["session"]["state"] = "live"
    if data["admitted_waiting"]:
        if "lobby" in snapshot:
            snapshot["lobby"] = []
        snapshot["me"]["is_admitted"] = True


@reduces("session.ended")
def session_ended(snapshot, data, viewer):
    snapshot["session"]["state"] = "ended"


@reduces("session.admission_changed")
def admission_changed(snapshot, data, viewer):
    snapshot["session"]["admits_automatically"] = data["automatic"]


@reduces("lobby.waiting")
def lobby_waiting(snapshot, data, viewer):
    if "lobby" in snapshot and all(p["id"] != data["id"] for p in snapshot["lobby"]):
        snapshot["lobby"].append(data)


@reduces("lobby.admitted")
def lobby_admitted(snapshot, data, viewer):
    if "lobby" in snapshot:
        snapshot["lobby"] = [p for p in snapshot["lobby"] if p["id"] not in data["participant_ids"]]
    if snapshot["me"]["id"] in data["participant_ids"]:
        snapshot["me"]["is_admitted"] = True


@reduces("participant.role_changed")
def role_changed(snapshot, data, viewer):
    if snapshot["me"]["id"] == data["id"]:
        snapshot["me"]["role"] = data["role"]
    # The person's name cards elsewhere (chat, questions) carry the role too.
    for key in ("chat", "questions"):
        for item in snapshot.get(key, []):
            if item["author"]["id"] == data["id"]:
                item["author"]["role"] = data["role"]
