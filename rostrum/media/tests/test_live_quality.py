"""``media.quality`` over the live protocol, the SFU replaced by FakeBackend: who may set it, that it
changes only the sender's own subscription and outlives re-subscribing, and the server stepping a
subscriber down when the SFU reports its connection losing packets (``slowlink``).

The same against a real Janus is in test_janus_quality.py; in Chromium in test_browser_quality.py.
"""

import pytest
from channels.db import database_sync_to_async

from rostrum.live.tests.conftest import connect, join
from rostrum.media import quality
from rostrum.media.constants import feed_id_for
from rostrum.media.tests.test_live_media import AUDIO, VIDEO, all_agree, fake, offer, ok, refused, start  # noqa: F401

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SLOWLINK = {"janus": "slowlink", "mid": "1", "media": "video", "uplink": True, "lost": 40}


async def publish_host_camera(webinar, host) -> int:
    await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})
    return feed_id_for(webinar["host"].pk, "camera")


async def quality_frames(client) -> list[dict]:
    return [frame for frame in await client.drain() if frame["type"] == "media.quality"]


async def test_audio_only_changes_only_the_senders_subscription_and_outlives_new_feeds(webinar, fake):  # noqa: F811 — the fixture
    host, ann, bob = await start(webinar)
    camera = await publish_host_camera(webinar, host)
    await ok(ann, "media.subscribe", {"feeds": [camera]})
    await ok(bob, "media.subscribe", {"feeds": [camera]})
    ann_handle, bob_handle = fake.subscribers

    assert await ok(ann, "media.quality", {"video": "off"}) == {"video": "off"}
    assert fake.called("set_receive_quality") == [((camera,), "off")]
    assert ann_handle.state["video"] == "off" and "video" not in bob_handle.state

    await ok(host, "media.publish", {"kind": "screen", "jsep": offer(VIDEO)})
    screen = feed_id_for(webinar["host"].pk, "screen")
    await ok(ann, "media.subscribe", {"feeds": [camera, screen]})
    assert fake.called("set_receive_quality")[-1] == ((camera, screen), "off"), "the new feed is audio only too"
    await ok(bob, "media.subscribe", {"feeds": [camera, screen]})
    assert "video" not in bob_handle.state

    await ok(ann, "media.quality", {"video": "high"})
    assert ann_handle.state["video"] == "high"
    await all_agree(host, ann, bob)  # nothing in anyone's state


async def test_a_quality_chosen_before_subscribing_applies_when_the_subscription_starts(webinar, fake):  # noqa: F811 — the fixture
    host, ann, _bob = await start(webinar)
    await ok(ann, "media.quality", {"video": "low"})
    assert fake.called("set_receive_quality") == []  # nothing to configure yet
    camera = await publish_host_camera(webinar, host)
    await ok(ann, "media.subscribe", {"feeds": [camera]})
    assert fake.called("set_receive_quality") == [((camera,), "low")]


async def test_quality_is_refused_in_the_lobby_and_before_the_start(webinar, fake):  # noqa: F811 — the fixture
    ann = await connect(webinar["ann"])
    await refused(ann, "media.quality", {"video": "off"}, "not_started")
    host = await connect(webinar["host"])
    await ok(host, "session.set_admission", {"automatic": False})
    await ok(host, "session.start")
    late = await connect(await database_sync_to_async(join)(webinar["room"], "late-key", "Late Larry"))
    await refused(late, "media.quality", {"video": "off"}, "not_admitted")
    assert fake.called("set_receive_quality") == []


@pytest.mark.parametrize(
    "data",
    [
        {"video": "medium"},
        {"video": "off", "participant_id": 1},  # only one's own subscription: no target to name
        {"video": "low", "allow_audio_only": [True]},
        {},
    ],
)
async def test_malformed_quality_frames_are_refused(webinar, fake, data):  # noqa: F811 — the fixture
    host, ann, _bob = await start(webinar)
    camera = await publish_host_camera(webinar, host)
    await ok(ann, "media.subscribe", {"feeds": [camera]})
    await refused(ann, "media.quality", data, "invalid")
    assert fake.called("set_receive_quality") == []
    assert "video" not in fake.subscribers[0].state


async def test_a_weak_connection_steps_down_to_low_only_unless_audio_only_was_allowed(webinar, fake, monkeypatch):  # noqa: F811 — the fixture
    host, ann, bob = await start(webinar)
    camera = await publish_host_camera(webinar, host)
    await ok(ann, "media.subscribe", {"feeds": [camera]})
    await ok(bob, "media.subscribe", {"feeds": [camera]})
    ann_handle, bob_handle = fake.subscribers

    ann_handle.on_event("slowlink", SLOWLINK)
    ann_handle.on_event("slowlink", SLOWLINK)  # a second report at once: one step, not two
    assert await quality_frames(ann) == [{"type": "media.quality", "video": "low", "reason": "weak_connection"}]
    assert ann_handle.state["video"] == "low" and "video" not in bob_handle.state
    assert await quality_frames(bob) == []

    monkeypatch.setattr(quality, "STEP_DOWN_SECONDS", 0)
    ann_handle.on_event("slowlink", SLOWLINK)
    assert await quality_frames(ann) == [], "without her leave, never down to audio only"
    assert ann_handle.state["video"] == "low"

    await ok(ann, "media.quality", {"video": "high", "allow_audio_only": True})
    for expected in ("low", "off"):
        ann_handle.on_event("slowlink", SLOWLINK)
        assert [f["video"] for f in await quality_frames(ann)] == [expected]
    ann_handle.on_event("slowlink", SLOWLINK)
    assert await quality_frames(ann) == [] and ann_handle.state["video"] == "off"
