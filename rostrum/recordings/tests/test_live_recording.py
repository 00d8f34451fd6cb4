"""Recording over the live protocol, with the SFU replaced by FakeBackend: who may start and stop
it, what a refusal leaves unchanged, the indicator everyone's state agrees on, automatic recording,
and the quota. The real Janus path is in test_janus_recording.py."""

import pytest
from channels.db import database_sync_to_async

from rostrum.live.tests.conftest import connect, fresh_snapshot
from rostrum.media.fake import FakeBackend
from rostrum.media.registry import set_backend
from rostrum.recordings.actions import do_set_records_automatically
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fake(settings, tmp_path):
    settings.MEDIA_NODES = ["ws://fake.invalid:8188"]
    settings.RECORDINGS_SPOOL_DIR = tmp_path / "spool"
    backend = FakeBackend()
    set_backend(backend)
    yield backend
    set_backend(None)


async def start(webinar):
    host = await connect(webinar["host"])
    assert (await host.request("session.start"))["type"] == "ack"
    return host, await connect(webinar["ann"])


async def all_agree(*clients):
    for client in clients:
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant), client.participant.display_name


@database_sync_to_async
def recordings():
    return list(Recording.objects.values_list("status", flat=True))


async def test_the_host_starts_and_stops_recording_and_everyone_sees_the_indicator(webinar, fake):
    host, ann = await start(webinar)
    assert ann.state["recording"] == {"active": False, "started_at": None}
    reply = await host.request("recording.start")
    assert reply["type"] == "ack", reply
    await all_agree(host, ann)
    assert ann.state["recording"]["active"] is True
    [(_room_id, record, rec_dir)] = fake.called("record")
    assert record is True and rec_dir.startswith(str(fake_spool()))
    assert await recordings() == [RecordingStatus.RECORDING]

    assert (await host.request("recording.stop"))["type"] == "ack"
    await all_agree(host, ann)
    assert ann.state["recording"] == {"active": False, "started_at": None}
    assert fake.called("record")[-1][1] is False
    assert await recordings() == [RecordingStatus.PROCESSING]


def fake_spool():
    from rostrum.recordings.actions import spool_root

    return spool_root()


async def test_an_attendee_cannot_start_or_stop_recording_by_a_raw_frame(webinar, fake):
    host, ann = await start(webinar)
    reply = await ann.request("recording.start")
    assert reply["type"] == "error" and reply["code"] == "not_allowed"
    assert fake.called("record") == [] and await recordings() == []
    assert (await host.request("recording.start"))["type"] == "ack"
    await ann.drain()
    seq = ann.state["seq"]
    reply = await ann.request("recording.stop")
    assert reply["type"] == "error" and reply["code"] == "not_allowed"
    assert len(fake.called("record")) == 1 and await recordings() == [RecordingStatus.RECORDING]
    assert await ann.drain() == [] and ann.state["seq"] == seq  # nothing was published
    await all_agree(host, ann)


async def test_starting_is_refused_when_the_plans_storage_is_full(webinar, fake):
    host, ann = await start(webinar)

    @database_sync_to_async
    def fill():
        from rostrum.library.quota import storage_limit

        account = webinar["room"].account
        Recording.objects.create(
            account=account, room=webinar["room"], status=RecordingStatus.READY, size_bytes=storage_limit(account)
        )

    await fill()
    reply = await host.request("recording.start")
    assert reply["type"] == "error" and reply["code"] == "quota_exceeded", reply
    assert "storage is full" in reply["message"]
    assert fake.called("record") == []
    await all_agree(host, ann)
    assert ann.state["recording"]["active"] is False


async def test_a_room_set_to_record_automatically_records_from_the_start_and_stops_at_the_end(webinar, fake):
    await database_sync_to_async(do_set_records_automatically)(webinar["room"], True)
    host, ann = await start(webinar)
    await all_agree(host, ann)
    assert ann.state["recording"]["active"] is True
    assert [call[1] for call in fake.called("record")] == [True]
    assert (await host.request("session.end"))["type"] == "ack"
    await host.drain()
    assert await recordings() == [RecordingStatus.PROCESSING]


async def test_a_second_start_while_recording_is_refused(webinar, fake):
    host, _ann = await start(webinar)
    assert (await host.request("recording.start"))["type"] == "ack"
    reply = await host.request("recording.start")
    assert reply["type"] == "error" and reply["code"] == "already_recording"
    assert len(fake.called("record")) == 1
