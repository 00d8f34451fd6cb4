"""The live protocol for the session and chat: allowed and refused, by role and by foreign room."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from rostrum.asgi import application
from rostrum.engagement.models import ChatMessage
from rostrum.live.consumers import MAX_FRAME_BYTES
from rostrum.live.tests.conftest import connect, fresh_snapshot, join
from rostrum.rooms.models import Attendance, Participant, Session
from rostrum.rooms.tests.factories import make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def refresh(participant):
    return await database_sync_to_async(Participant.objects.get)(pk=participant.pk)


async def test_connection_without_a_valid_token_is_refused(webinar):
    for query in ("", "?t=forged", "?t=" + "x" * 40):
        communicator = WebsocketCommunicator(
            application, f"/ws/live/{query}", headers=[(b"origin", b"http://localhost")]
        )
        assert await communicator.connect() == (True, None)  # accepted, so that a browser sees the code
        assert await communicator.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}


async def test_connection_from_another_sites_page_is_refused(webinar):
    from rostrum.live.tokens import make_join_token

    token = await database_sync_to_async(make_join_token)(webinar["ann"].pk)
    communicator = WebsocketCommunicator(
        application, f"/ws/live/?t={token}", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _code = await communicator.connect()
    assert not connected


async def test_attendees_wait_in_the_lobby_until_the_host_starts(webinar):
    host = await connect(webinar["host"])
    ann = await connect(webinar["ann"])
    assert ann.state["session"]["state"] == "waiting"
    assert ann.state["me"]["is_admitted"] is False
    assert "lobby" not in ann.state  # the waiting list is the organisers'
    assert {p["name"] for p in host.state["lobby"]} == {"Ann Attendee", "Bob Attendee"}

    assert (await ann.request("session.start"))["code"] == "not_allowed"
    assert (await host.request("session.start"))["type"] == "ack"
    await ann.drain()
    assert ann.state["session"]["state"] == "live"
    assert ann.state["me"]["is_admitted"] is True  # a fresh snapshot followed the admission
    assert await database_sync_to_async(Attendance.objects.filter(participant=webinar["ann"]).count)() == 1
    await host.close()
    await ann.close()


async def test_manual_admission_lets_people_in_one_by_one(webinar):
    host = await connect(webinar["host"])
    await host.request("session.set_admission", {"automatic": False})
    await host.request("session.start")
    ann = await connect(webinar["ann"])
    assert ann.state["me"]["is_admitted"] is False
    reply = await host.request("lobby.admit", {"participant_id": webinar["ann"].pk})
    assert reply["data"] == {"admitted": 1}
    await ann.drain()
    assert ann.state["me"]["is_admitted"] is True
    bob = await connect(webinar["bob"])
    assert (await bob.request("chat.post", {"text": "let me in"}))["code"] == "not_admitted"
    assert (await host.request("lobby.admit", {}))["data"] == {"admitted": 1}  # everyone still waiting
    await bob.drain()
    assert bob.state["me"]["is_admitted"] is True
    for client in (host, ann, bob):
        await client.close()


async def start(webinar):
    host = await connect(webinar["host"])
    await host.request("session.start")
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


async def test_public_chat_reaches_everyone_and_snapshots_agree(webinar):
    host, ann, bob = await start(webinar)
    reply = await ann.request("chat.post", {"text": "  Hello from Ann  "})
    assert reply["type"] == "ack"
    for client in (host, ann, bob):
        await client.drain()
        assert [m["text"] for m in client.state["chat"]] == ["Hello from Ann"]
        # What each client built from events is what a new snapshot says.
        assert client.state == await fresh_snapshot(client.participant)
    for client in (host, ann, bob):
        await client.close()


async def test_private_message_to_organisers_reaches_only_them(webinar):
    host, ann, bob = await start(webinar)
    await ann.request("chat.post", {"text": "a private question", "to": "organisers"})
    for client in (host, ann, bob):
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant)
    assert [m["text"] for m in host.state["chat"]] == ["a private question"]
    assert [m["text"] for m in ann.state["chat"]] == ["a private question"]
    assert bob.state["chat"] == []
    # Bob received only a tick: the sequence stays unbroken without the content.
    assert bob.state["seq"] == host.state["seq"]
    for client in (host, ann, bob):
        await client.close()


async def test_attendees_cannot_write_privately_to_each_other_in_a_webinar(webinar):
    host, ann, bob = await start(webinar)
    reply = await ann.request("chat.post", {"text": "psst", "to": webinar["bob"].pk})
    assert reply["code"] == "not_allowed"
    reply = await host.request("chat.post", {"text": "hello Bob", "to": webinar["bob"].pk})
    assert reply["type"] == "ack"
    await ann.drain()
    await bob.drain()
    assert ann.state["chat"] == [] and [m["text"] for m in bob.state["chat"]] == ["hello Bob"]
    for client in (host, ann, bob):
        await client.close()


async def test_people_in_a_meeting_write_privately_to_each_other(owner):
    room = await database_sync_to_async(make_room)(owner, name="Team sync", room_type="meeting")
    host_p = await database_sync_to_async(join)(room, "h", "Host", "host")
    ann_p = await database_sync_to_async(join)(room, "a", "Ann")
    bob_p = await database_sync_to_async(join)(room, "b", "Bob")
    host = await connect(host_p)
    await host.request("session.start")
    ann, bob = await connect(ann_p), await connect(bob_p)
    assert (await ann.request("chat.post", {"text": "hi Bob", "to": bob_p.pk}))["type"] == "ack"
    await bob.drain()
    await host.drain()
    assert [m["text"] for m in bob.state["chat"]] == ["hi Bob"]
    assert host.state["chat"] == []
    for client in (host, ann, bob):
        await client.close()


@pytest.mark.parametrize(
    ("frame_type", "data", "code"),
    [
        ("chat.post", {"text": ""}, "invalid"),
        ("chat.post", {"text": "x" * 2001}, "invalid"),
        ("chat.post", {"text": "hi", "author": 1}, "invalid"),  # identity is never taken from a frame
        ("chat.post", {"text": "hi", "to": "everyone-else"}, "invalid"),
        ("chat.delete", {"message_id": 1}, "not_allowed"),
        ("chat.lock", {"locked": True}, "not_allowed"),
        ("chat.allow_files", {"allowed": True}, "not_allowed"),
        ("chat.allow_files", {"allowed": "yes"}, "invalid"),
        ("participant.expel", {"participant_id": 1}, "not_allowed"),
        ("participant.mute_chat", {"participant_id": 1, "muted": True}, "not_allowed"),
        ("participant.set_role", {"participant_id": 1, "role": "presenter"}, "not_allowed"),
        ("session.end", {}, "not_allowed"),
        ("lobby.admit", {}, "not_allowed"),
        ("no.such.thing", {}, "unknown_type"),
    ],
)
async def test_attendee_frames_beyond_their_role_are_refused_and_change_nothing(webinar, frame_type, data, code):
    host, ann, bob = await start(webinar)
    await host.request("chat.post", {"text": "a message to delete"})
    await bob.drain()
    before = await fresh_snapshot(webinar["bob"])
    reply = await ann.request(frame_type, data)
    assert reply["type"] == "error" and reply["code"] == code, reply
    assert await fresh_snapshot(webinar["bob"]) == before
    assert (await bob.drain()) == []  # nothing was published
    for client in (host, ann, bob):
        await client.close()


async def test_malformed_frames_get_clear_errors(webinar):
    _host, ann, _bob = await start(webinar)
    await ann.communicator.send_to(text_data="not json")
    assert (await ann.receive())["code"] == "bad_json"
    await ann.communicator.send_to(text_data="[1, 2]")
    assert (await ann.receive())["code"] == "bad_json"
    await ann.communicator.send_to(text_data='{"type": "chat.post", "data": {"text": "' + "x" * MAX_FRAME_BYTES + '"}}')
    assert (await ann.receive())["code"] == "frame_too_large"
    assert await database_sync_to_async(ChatMessage.objects.count)() == 0


async def test_acting_in_another_room_is_impossible(webinar, other_owner):
    other_room = await database_sync_to_async(make_room)(other_owner, name="Elsewhere")
    stranger = await database_sync_to_async(join)(other_room, "s", "Stranger", "host")
    host, ann, bob = await start(webinar)
    await host.request("chat.post", {"text": "ours"})
    message_id = await database_sync_to_async(lambda: ChatMessage.objects.get().pk)()
    other = await connect(stranger)
    # The stranger hosts their own room; our ids mean nothing there.
    assert (await other.request("chat.delete", {"message_id": message_id}))["code"] == "not_found"
    assert (await other.request("participant.expel", {"participant_id": webinar["ann"].pk}))["code"] == "not_found"
    assert (await other.request("lobby.admit", {"participant_id": webinar["bob"].pk}))["code"] == "not_found"
    assert await database_sync_to_async(ChatMessage.objects.filter(deleted_at=None).count)() == 1
    assert not (await refresh(webinar["ann"])).is_expelled
    for client in (host, ann, bob, other):
        await client.close()


async def test_host_moderates_chat_and_snapshots_agree(webinar):
    host, ann, bob = await start(webinar)
    await ann.request("chat.post", {"text": "spam"})
    message_id = await database_sync_to_async(lambda: ChatMessage.objects.get().pk)()
    assert (await host.request("chat.delete", {"message_id": message_id}))["type"] == "ack"
    assert (await host.request("chat.lock", {"locked": True}))["type"] == "ack"
    assert (await ann.request("chat.post", {"text": "more"}))["code"] == "chat_locked"
    assert (await host.request("chat.lock", {"locked": False}))["type"] == "ack"
    assert (await host.request("participant.mute_chat", {"participant_id": webinar["ann"].pk, "muted": True}))[
        "type"
    ] == "ack"
    assert (await ann.request("chat.post", {"text": "again"}))["code"] == "chat_muted"
    for client in (host, ann, bob):
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant)
    assert ann.state["me"]["is_chat_muted"] is True
    assert bob.state["chat"] == []
    for client in (host, ann, bob):
        await client.close()


async def test_expelled_participant_is_disconnected_and_cannot_return(webinar):
    host, ann, bob = await start(webinar)
    assert (await host.request("participant.expel", {"participant_id": webinar["ann"].pk}))["type"] == "ack"
    outputs = []
    while not outputs or outputs[-1]["type"] != "websocket.close":
        outputs.append(await ann.communicator.receive_output(timeout=3))
    frames = [json.loads(o["text"]) for o in outputs[:-1]]
    assert {"type": "closed", "reason": "expelled"} in frames
    assert outputs[-1] == {"type": "websocket.close", "code": 4403}
    from rostrum.live.tokens import make_join_token

    token = await database_sync_to_async(make_join_token)(webinar["ann"].pk)
    again = WebsocketCommunicator(application, f"/ws/live/?t={token}", headers=[(b"origin", b"http://localhost")])
    assert await again.connect() == (True, None)
    assert await again.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
    # The same browser coming back through the room page stays out too.
    rejoined = await database_sync_to_async(join)(webinar["room"], "ann-key", "Ann Again")
    assert rejoined.is_expelled
    for client in (host, bob):
        await client.close()


async def test_chat_is_rate_limited_per_participant(webinar):
    _host, ann, _bob = await start(webinar)
    replies = [await ann.request("chat.post", {"text": f"message {n}"}) for n in range(6)]
    assert [r["type"] for r in replies[:5]] == ["ack"] * 5
    assert replies[5]["code"] == "rate_limited"
    assert "at most 5 messages in 10 seconds" in replies[5]["message"]


async def test_host_ends_the_session_and_everyone_sees_it(webinar):
    host, ann, bob = await start(webinar)
    assert (await host.request("session.end"))["type"] == "ack"
    for client in (ann, bob):
        await client.drain()
        assert client.state["session"]["state"] == "ended"
    session = await database_sync_to_async(Session.objects.get)()
    assert session.ended_at is not None
    assert (await ann.request("chat.post", {"text": "too late"}))["code"] == "session_ended"


async def test_reconnecting_client_catches_up_without_duplicates(webinar):
    _host, ann, bob = await start(webinar)
    await ann.request("chat.post", {"text": "one"})
    await bob.drain()
    await bob.close()
    await ann.request("chat.post", {"text": "two"})  # while Bob is away
    bob_again = await connect(webinar["bob"])
    assert [m["text"] for m in bob_again.state["chat"]] == ["one", "two"]
    await ann.request("chat.post", {"text": "three"})
    await bob_again.drain()
    assert [m["text"] for m in bob_again.state["chat"]] == ["one", "two", "three"]
    sync_ref = await bob_again.send("sync")
    assert sync_ref and (await bob_again.receive())["type"] == "snapshot"


def upload(participant, name: str, content: bytes, text: str = ""):
    """What chat.js does: a multipart POST from the room page, with the browser's participant key."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rostrum.engagement.tests.test_presentation_views import as_participant

    client = as_participant(participant)
    url = f"/live/sessions/{participant.session_id}/chat-files/"
    return client.post(url, {"file": SimpleUploadedFile(name, content), "text": text})


async def test_files_in_chat_reach_everyone_once_allowed_and_late_joiners_get_them(webinar):
    from rostrum.engagement.tests.factories import page_png

    host, ann, bob = await start(webinar)
    png = page_png((10, 120, 200))
    refused = await database_sync_to_async(upload)(webinar["ann"], "photo.png", png)
    assert refused.status_code == 403 and refused.json()["code"] == "files_not_allowed"
    assert ann.state["chat_files_allowed"] is False
    assert (await ann.request("chat.allow_files", {"allowed": True}))["code"] == "not_allowed"

    assert (await host.request("chat.allow_files", {"allowed": True}))["type"] == "ack"
    await ann.drain()
    assert ann.state["chat_files_allowed"] is True
    response = await database_sync_to_async(upload)(webinar["ann"], "photo.txt", png, "our view")
    assert response.status_code == 201
    attachment = response.json()["attachment"]
    for client in (host, ann, bob):
        await client.drain()
        [message] = client.state["chat"]
        assert message["text"] == "our view" and message["author"]["name"] == "Ann Attendee"
        assert message["attachment"] == attachment
        assert attachment["content_type"] == "image/png" and attachment["size"] == len(png)
        assert client.state == await fresh_snapshot(client.participant)

    assert (await host.request("chat.allow_files", {"allowed": False}))["type"] == "ack"
    carl = await connect(await database_sync_to_async(join)(webinar["room"], "carl-key", "Carl Late"))
    assert carl.state["chat"][0]["attachment"] == attachment
    assert carl.state["chat_files_allowed"] is False
    for client in (host, ann, bob):
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant)
    for client in (host, ann, bob, carl):
        await client.close()
