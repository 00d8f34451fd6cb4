"""Media over the live protocol, with the SFU replaced by FakeBackend: who may publish, subscribe,
give the floor and mute; what each refusal leaves unchanged; snapshots agree with events.

The same paths against a real Janus are in test_janus_*.py and the browser tests.
"""

import pytest
from channels.db import database_sync_to_async

from rostrum.live.tests.conftest import connect, fresh_snapshot, join
from rostrum.media.constants import feed_id_for
from rostrum.media.fake import FakeBackend
from rostrum.media.models import Publication
from rostrum.media.registry import set_backend
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

AUDIO = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\n"
VIDEO = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n"
HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def offer(*media: str) -> dict:
    return {"type": "offer", "sdp": HEAD + "".join(media)}


@pytest.fixture(autouse=True)
def fake(settings):
    settings.MEDIA_NODES = ["ws://fake.invalid:8188"]
    backend = FakeBackend()
    set_backend(backend)
    yield backend
    set_backend(None)


async def start(webinar):
    host = await connect(webinar["host"])
    assert (await host.request("session.start"))["type"] == "ack"
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


async def ok(client, frame_type, data=None) -> dict:
    reply = await client.request(frame_type, data)
    assert reply["type"] == "ack", reply
    return reply["data"]


async def refused(client, frame_type, data, code) -> dict:
    reply = await client.request(frame_type, data)
    assert reply["type"] == "error" and reply["code"] == code, reply
    return reply


async def all_agree(*clients):
    for client in clients:
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant), client.participant.display_name


@database_sync_to_async
def live_feeds(session_id=None):
    return sorted(Publication.objects.filter(ended_at=None).values_list("feed_id", flat=True))


@database_sync_to_async
def participant(p):
    return Participant.objects.get(pk=p.pk)


async def test_the_host_publishes_and_attendees_receive_the_feed(webinar, fake):
    host, ann, bob = await start(webinar)
    reply = await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    feed_id = feed_id_for(webinar["host"].pk, "camera")
    assert reply["jsep"]["type"] == "answer"
    assert reply["feed"] | {} == {
        "feed_id": feed_id,
        "participant_id": webinar["host"].pk,
        "name": "Hanna Host",
        "role": "host",
        "kind": "camera",
        "audio": True,
        "video": True,
        "mic_blocked": False,
        "camera_blocked": False,
    }
    await all_agree(host, ann, bob)
    assert [f["feed_id"] for f in ann.state["media"]["feeds"]] == [feed_id]
    received = await ok(ann, "media.subscribe", {"feeds": [feed_id]})
    assert received["jsep"]["type"] == "offer"
    assert {s["feed_id"] for s in received["streams"]} == {feed_id}
    await ok(ann, "media.start", {"jsep": {"type": "answer", "sdp": HEAD + AUDIO}})
    candidate = {"candidate": "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    await ok(ann, "media.trickle", {"target": "subscriber", "candidate": candidate})
    await ok(host, "media.trickle", {"target": "camera", "candidate": None})
    assert fake.called("start") == [((feed_id,),)]
    assert ("subscriber", candidate) in fake.called("trickle")

    await ok(host, "media.unpublish", {"kind": "camera"})
    await all_agree(host, ann, bob)
    assert ann.state["media"]["feeds"] == [] and await live_feeds() == []
    assert ("hang_up", "publisher", feed_id) in fake.calls


async def test_an_attendee_without_the_floor_cannot_publish_even_by_a_raw_frame(webinar, fake):
    host, ann, bob = await start(webinar)
    await refused(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO)}, "not_allowed")
    await refused(ann, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)}, "not_allowed")
    assert fake.called("publish") == [] and await live_feeds() == []
    await all_agree(host, ann, bob)


async def test_the_floor_given_for_the_microphone_allows_audio_only_and_taking_it_back_kicks(webinar, fake):
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    await ok(host, "floor.set", {"participant_id": webinar["ann"].pk, "floor": "audio"})
    await all_agree(host, ann, bob)
    assert ann.state["media"]["may_publish"] == {"audio": True, "video": False, "screen": False}
    assert host.state["media"]["floors"] == [{"id": webinar["ann"].pk, "name": "Ann Attendee", "floor": "audio"}]
    assert host.state["hands"] == []  # giving the floor answers the raised hand
    assert "floors" not in bob.state["media"] and bob.state["media"]["may_publish"]["audio"] is False

    await refused(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)}, "not_allowed")
    await ok(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO)})
    feed_id = feed_id_for(webinar["ann"].pk, "camera")
    assert await live_feeds() == [feed_id]

    await ok(host, "floor.set", {"participant_id": webinar["ann"].pk, "floor": ""})
    await all_agree(host, ann, bob)
    assert fake.called("kick")[-1][1] == feed_id  # enforced on the SFU, not only in her browser
    assert await live_feeds() == [] and ann.state["media"]["feeds"] == []
    await refused(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO)}, "not_allowed")


async def test_only_organisers_give_the_floor_and_only_to_attendees_of_their_own_session(webinar, owner, fake):
    host, ann, bob = await start(webinar)
    await refused(ann, "floor.set", {"participant_id": webinar["bob"].pk, "floor": "audio"}, "not_allowed")
    await refused(host, "floor.set", {"participant_id": webinar["host"].pk, "floor": "audio"}, "invalid")
    other_room = await database_sync_to_async(make_room)(owner, name="Another webinar")
    stranger = await database_sync_to_async(join)(other_room, "s-key", "Stranger")
    await refused(host, "floor.set", {"participant_id": stranger.pk, "floor": "audio"}, "not_found")
    await refused(host, "media.block", {"participant_id": stranger.pk, "kind": "audio", "blocked": True}, "not_found")
    assert (await participant(webinar["bob"])).media_floor == ""
    assert (await participant(stranger)).media_floor == ""
    await all_agree(host, ann, bob)


async def test_a_muted_microphone_stays_muted_on_the_sfu_until_an_organiser_lifts_it(webinar, fake):
    host, ann, bob = await start(webinar)
    await ok(host, "floor.set", {"participant_id": webinar["ann"].pk, "floor": "audio_video"})
    await ok(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    feed_id = feed_id_for(webinar["ann"].pk, "camera")
    await ok(host, "media.block", {"participant_id": webinar["ann"].pk, "kind": "audio", "blocked": True})
    assert fake.muted[(fake.called("publish")[0][0], feed_id)] == {"0"}  # the offer's audio mid
    await refused(
        ann, "media.block", {"participant_id": webinar["ann"].pk, "kind": "audio", "blocked": False}, "not_allowed"
    )
    await all_agree(host, ann, bob)
    assert ann.state["media"]["my_blocks"] == {"mic": True, "camera": False}
    assert bob.state["media"]["feeds"][0]["mic_blocked"] is True

    # Publishing again (a new tab, a reload) does not escape the mute.
    await ok(ann, "media.unpublish", {"kind": "camera"})
    fake.calls.clear()
    await ok(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    assert ("moderate", fake.called("publish")[0][0], feed_id, ("0",), True) in fake.calls

    await ok(host, "media.block", {"participant_id": webinar["ann"].pk, "kind": "audio", "blocked": False})
    assert fake.muted[(fake.called("publish")[0][0], feed_id)] == set()
    await all_agree(host, ann, bob)


async def test_one_screen_share_at_a_time(webinar, fake):
    host, ann, bob = await start(webinar)
    presenter = await database_sync_to_async(join)(webinar["room"], "p-key", "Pat Presenter", ParticipantRole.PRESENTER)
    pat = await connect(presenter)
    await ok(host, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)})
    await refused(pat, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)}, "screen_busy")
    await refused(host, "media.publish", {"kind": "screen", "jsep": offer(AUDIO)}, "invalid")  # a screen is video
    await ok(host, "media.unpublish", {"kind": "screen"})
    await ok(pat, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)})
    await all_agree(host, ann, bob, pat)
    assert [(f["name"], f["kind"]) for f in ann.state["media"]["feeds"]] == [("Pat Presenter", "screen")]


async def test_the_host_may_allow_several_screen_shares_at_once(webinar, fake):
    host, ann, bob = await start(webinar)
    presenter = await database_sync_to_async(join)(webinar["room"], "p-key", "Pat Presenter", ParticipantRole.PRESENTER)
    pat = await connect(presenter)
    await refused(ann, "media.allow_screens", {"allowed": True}, "not_allowed")  # organisers only
    await refused(host, "media.allow_screens", {"allowed": "yes please"}, "invalid")
    await all_agree(host, ann, bob, pat)
    assert ann.state["media"]["several_screens"] is False
    await ok(host, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)})
    await refused(pat, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)}, "screen_busy")
    await ok(host, "media.allow_screens", {"allowed": True})
    await ok(pat, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)})
    await all_agree(host, ann, bob, pat)
    assert ann.state["media"]["several_screens"] is True
    assert sorted(f["name"] for f in ann.state["media"]["feeds"] if f["kind"] == "screen") == [
        "Hanna Host",
        "Pat Presenter",
    ]
    await ok(host, "media.allow_screens", {"allowed": False})  # the shares on go on; the next one waits
    await ok(pat, "media.unpublish", {"kind": "screen"})
    await ok(host, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)})  # one's own share again
    await refused(pat, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)}, "screen_busy")
    await all_agree(host, ann, bob, pat)


async def test_subscribing_takes_only_live_feeds_of_this_session_and_only_once_let_in(webinar, owner, fake):
    host, ann, _bob = await start(webinar)
    await refused(ann, "media.subscribe", {"feeds": [12345]}, "not_found")
    other_room = await database_sync_to_async(make_room)(owner, name="Another webinar", room_type="meeting")
    other_host = await database_sync_to_async(join)(other_room, "oh-key", "Other Host", ParticipantRole.HOST)
    other = await connect(other_host)
    await ok(other, "session.start")
    await ok(other, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    foreign = feed_id_for(other_host.pk, "camera")
    await refused(ann, "media.subscribe", {"feeds": [foreign]}, "not_found")
    assert fake.called("subscribe") == []

    await ok(host, "session.set_admission", {"automatic": False})
    late = await database_sync_to_async(join)(webinar["room"], "late-key", "Late Larry")
    larry = await connect(late)
    await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    await refused(larry, "media.subscribe", {"feeds": [feed_id_for(webinar["host"].pk, "camera")]}, "not_admitted")
    await all_agree(larry)
    assert larry.state["media"]["feeds"] == []  # the lobby does not learn who is on camera


async def test_closing_the_socket_ends_its_feeds_and_the_session_end_destroys_the_room(webinar, fake):
    host, ann, bob = await start(webinar)
    await ok(host, "floor.set", {"participant_id": webinar["ann"].pk, "floor": "audio"})
    await ok(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO)})
    await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    await ok(bob, "media.subscribe", {"feeds": [feed_id_for(webinar["host"].pk, "camera")]})
    await ann.close()
    await all_agree(host, bob)
    assert [f["name"] for f in bob.state["media"]["feeds"]] == ["Hanna Host"]
    assert ("hang_up", "publisher", feed_id_for(webinar["ann"].pk, "camera")) in fake.calls

    await ok(host, "session.end")
    await host.drain()
    assert fake.called("destroy_room") == [(host.state["session"]["id"],)]
    assert await live_feeds() == []


async def test_the_media_server_away_is_a_clear_error_and_records_nothing(webinar, fake):
    host, ann, bob = await start(webinar)
    fake.failing.add("publish")
    reply = await refused(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)}, "media_unavailable")
    assert "not available" in reply["message"]
    assert await live_feeds() == []
    await all_agree(host, ann, bob)


@pytest.mark.parametrize(
    "frame_type, data",
    [
        ("media.publish", {"kind": "camera", "jsep": {"type": "answer", "sdp": "x"}}),
        ("media.publish", {"kind": "microphone", "jsep": offer(AUDIO)}),
        ("media.publish", {"kind": "camera", "jsep": {"type": "offer", "sdp": "v" * 41_000}}),
        ("media.publish", {"kind": "camera", "jsep": offer(AUDIO), "feed_id": 1}),
        ("media.subscribe", {"feeds": list(range(101))}),
        ("media.trickle", {"target": "elsewhere", "candidate": None}),
        ("media.trickle", {"target": "camera", "candidate": {"candidate": "x", "usernameFragment": "u"}}),
        ("floor.set", {"participant_id": 1, "floor": "everything"}),
        ("media.block", {"participant_id": 1, "kind": "screen", "blocked": True}),
    ],
)
async def test_malformed_media_frames_are_refused(webinar, fake, frame_type, data):
    host = await connect(webinar["host"])
    await ok(host, "session.start")
    await refused(host, frame_type, data, "invalid")
    assert fake.calls == []
