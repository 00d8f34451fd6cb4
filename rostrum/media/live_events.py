"""Media in a snapshot: the live feeds, what I may publish, the floor; and how events change it."""

from rostrum.live.registry import reduces, snapshot_part
from rostrum.media.actions import feed_data, floor_data, live_publications, media_rights
from rostrum.media.constants import Floor
from rostrum.rooms.constants import ParticipantRole


def may_publish(media: set[str], is_organiser: bool) -> dict:
    return {"audio": "audio" in media, "video": "video" in media, "screen": is_organiser}


@snapshot_part
def media_part(context) -> dict:
    me, session = context.participant, context.session
    feeds = []
    if me.is_admitted:
        feeds = [feed_data(p) for p in live_publications(session).select_related("participant")]
    part = {
        "feeds": feeds,
        "may_publish": may_publish(media_rights(me, session.room.room_type), me.is_organiser),
        "my_floor": me.media_floor,
        "my_blocks": {"mic": me.mic_blocked, "camera": me.camera_blocked},
        "several_screens": session.allows_several_screens,
    }
    if me.is_organiser:
        given = session.participants.filter(role=ParticipantRole.ATTENDEE).exclude(media_floor=Floor.NONE)
        part["floors"] = [floor_data(p) for p in given.order_by("id")]
    return {"media": part}


@reduces("media.published")
def media_published(snapshot, data, viewer):
    feeds = [feed for feed in snapshot["media"]["feeds"] if feed["feed_id"] != data["feed_id"]]
    snapshot["media"]["feeds"] = sorted([*feeds, data], key=lambda feed: feed["feed_id"])


@reduces("media.unpublished")
def media_unpublished(snapshot, data, viewer):
    snapshot["media"]["feeds"] = [f for f in snapshot["media"]["feeds"] if f["feed_id"] != data["feed_id"]]


@reduces("media.screens")
def media_screens(snapshot, data, viewer):
    snapshot["media"]["several_screens"] = data["several"]


@reduces("media.blocked")
def media_blocked(snapshot, data, viewer):
    for feed in snapshot["media"]["feeds"]:
        if feed["participant_id"] == data["id"]:
            feed["mic_blocked"], feed["camera_blocked"] = data["mic_blocked"], data["camera_blocked"]
    if snapshot["me"]["id"] == data["id"]:
        snapshot["media"]["my_blocks"] = {"mic": data["mic_blocked"], "camera": data["camera_blocked"]}


@reduces("floor.changed")
def floor_changed(snapshot, data, viewer):
    media = snapshot["media"]
    if "floors" in media:
        floors = [f for f in media["floors"] if f["id"] != data["id"]]
        media["floors"] = sorted([*floors, data] if data["floor"] else floors, key=lambda f: f["id"])
    if snapshot["me"]["id"] == data["id"]:
        media["my_floor"] = data["floor"]
        allowed = {Floor.AUDIO: {"audio"}, Floor.AUDIO_VIDEO: {"audio", "video"}}.get(data["floor"], set())
        media["may_publish"] = may_publish(allowed, False)
