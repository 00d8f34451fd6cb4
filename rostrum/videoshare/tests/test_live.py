"""Video sharing over the live protocol: open, play, pause, seek, control, refusals, late joiners.

Every client's snapshot plus the events it received must equal a fresh snapshot (apart from
``video.now``, the server's clock when a frame was made), and a refused frame changes nothing
and publishes nothing.
"""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from rostrum.library.tests.factories import make_library_file
from rostrum.live.tests.conftest import connect, fresh_snapshot, join
from rostrum.rooms.models import Session
from rostrum.videoshare.models import SharedVideo
from rostrum.videoshare.tests.factories import make_shareable_video

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def start(webinar):
    host = await connect(webinar["host"])
    await host.request("session.start")
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


def without_clock(state: dict) -> dict:
    """The state with the video's ``now`` (when the frame was made: not state) left out."""
    if state.get("video"):
        state = {**state, "video": {k: v for k, v in state["video"].items() if k != "now"}}
    return state


async def all_agree(*clients):
    for client in clients:
        await client.drain()
        fresh = await fresh_snapshot(client.participant)
        assert without_clock(client.state) == without_clock(fresh), client.participant.display_name


async def ok(client, frame_type, data=None) -> dict:
    reply = await client.request(frame_type, data)
    assert reply["type"] == "ack", reply
    return reply["data"]


async def last_seq(participant) -> int:
    return await database_sync_to_async(lambda: Session.objects.get(pk=participant.session_id).last_seq)()


async def refused(client, frame_type, data, code, *watchers) -> str:
    """The frame is refused with ``code``; nothing is published and the sequence does not move."""
    seq_before = await last_seq(client.participant)
    reply = await client.request(frame_type, data)
    assert reply["type"] == "error" and reply["code"] == code, reply
    for watcher in (client, *watchers):
        assert await watcher.drain() == []
    assert await last_seq(client.participant) == seq_before
    return reply["message"]


async def videos() -> list[SharedVideo]:
    return await database_sync_to_async(lambda: list(SharedVideo.objects.order_by("id")))()


@pytest.fixture
def clip(webinar, owner):
    return make_shareable_video(owner)


async def test_the_host_lists_and_opens_a_library_video_and_everyone_gets_it_paused_at_0(webinar, clip):
    host, ann, bob = await start(webinar)
    files = (await ok(host, "video.files"))["files"]
    assert len(files) == 1 and files[0]["id"] == clip.pk and files[0]["name"] == "Product tour.mp4"
    assert abs(files[0]["duration"] - 10.0) < 0.2  # read from the MP4 itself
    video_id = (await ok(host, "video.open", {"file_id": clip.pk}))["id"]
    await all_agree(host, ann, bob)
    shown = ann.state["video"]
    assert shown["id"] == video_id and shown["source"] == "library" and shown["title"] == "Product tour.mp4"
    assert shown["file_url"] == f"/live/videos/{video_id}/file/" and shown["youtube_id"] is None
    assert shown["playing"] is False and shown["position"] == 0 and shown["rate"] == 1.0
    assert abs(shown["duration"] - 10.0) < 0.2
    assert shown["controller"] == {"id": webinar["host"].pk, "name": "Hanna Host"}


async def test_the_controller_plays_pauses_at_3_5_and_seeks_and_everyone_follows(webinar, clip):
    host, ann, bob = await start(webinar)
    await ok(host, "video.open", {"file_id": clip.pk})
    before = int(time.time() * 1000)
    await ok(host, "video.play", {"position": 0})
    await all_agree(host, ann, bob)
    assert ann.state["video"]["playing"] is True and ann.state["video"]["position"] == 0
    assert before - 50 <= ann.state["video"]["position_at"] <= int(time.time() * 1000) + 50
    await ok(host, "video.pause", {"position": 3.5})
    await all_agree(host, ann, bob)
    assert (ann.state["video"]["playing"], ann.state["video"]["position"]) == (False, 3.5)
    await ok(host, "video.seek", {"position": 7})
    await all_agree(host, ann, bob)
    assert (bob.state["video"]["playing"], bob.state["video"]["position"]) == (False, 7.0)  # a seek keeps pause
    await ok(host, "video.play", {"position": 7})
    await ok(host, "video.seek", {"position": 2.25})
    await all_agree(host, ann, bob)
    assert (bob.state["video"]["playing"], bob.state["video"]["position"]) == (True, 2.25)  # ... and play
    [video] = await videos()
    assert video.playing is True and video.position == 2.25


async def test_attendees_may_not_share_or_control_a_video(webinar, clip):
    host, ann, bob = await start(webinar)
    await ok(host, "video.open", {"file_id": clip.pk})
    await all_agree(host, ann, bob)
    for frame_type, data in [
        ("video.files", {}),
        ("video.open", {"file_id": clip.pk}),
        ("video.open", {"youtube_url": "https://youtu.be/dQw4w9WgXcQ"}),
        ("video.play", {"position": 1}),
        ("video.pause", {"position": 1}),
        ("video.seek", {"position": 1}),
        ("video.close", {}),
        ("video.control", {"participant_id": webinar["ann"].pk}),
    ]:
        await refused(ann, frame_type, data, "not_allowed", host, bob)
    [video] = await videos()
    assert video.playing is False and video.position == 0 and video.closed_at is None
    assert video.controller_id == webinar["host"].pk


async def test_another_accounts_file_an_unconverted_one_and_a_non_video_are_refused(webinar, clip, other_owner, owner):
    host, ann, _bob = await start(webinar)
    theirs = await database_sync_to_async(make_shareable_video)(other_owner)
    await refused(host, "video.open", {"file_id": theirs.pk}, "not_found", ann)
    await refused(host, "video.open", {"file_id": 999_999}, "not_found", ann)
    waiting = await database_sync_to_async(make_shareable_video)(owner, status="converting")
    message = await refused(host, "video.open", {"file_id": waiting.pk}, "not_converted", ann)
    assert "conversion has not finished" in message
    deck = await database_sync_to_async(make_library_file)(owner, status="converted")
    await refused(host, "video.open", {"file_id": deck.pk}, "not_a_video", ann)
    assert [f["id"] for f in (await ok(host, "video.files"))["files"]] == [clip.pk]  # only ours, only ready
    assert await videos() == []


@pytest.mark.parametrize(
    ("url", "video_id"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/a-b_C1d2E3f", "a-b_C1d2E3f"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ],
)
async def test_a_youtube_link_is_shared_by_its_id(webinar, url, video_id):
    host, ann, _bob = await start(webinar)
    await ok(host, "video.open", {"youtube_url": url})
    await all_agree(host, ann)
    shown = ann.state["video"]
    assert shown["source"] == "youtube" and shown["youtube_id"] == video_id
    assert shown["file_url"] is None and shown["duration"] is None
    assert shown["title"] == f"YouTube video {video_id}"
    [video] = await videos()
    assert video.youtube_id == video_id and video.file_id is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXc<",
        "https://www.youtube.com/watch?v=dQw4w9WgX",
        "https://youtu.be/dQw4w9WgXcQ/../../x",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "dQw4w9WgXcQ",
        "",
    ],
)
async def test_anything_but_a_youtube_video_link_is_refused_and_nothing_saved(webinar, url):
    host, ann, _bob = await start(webinar)
    message = await refused(host, "video.open", {"youtube_url": url}, "invalid", ann)
    assert "not a YouTube video link" in message
    assert await videos() == []


async def test_positions_outside_the_video_are_refused(webinar, clip):
    host, ann, _bob = await start(webinar)
    await ok(host, "video.open", {"file_id": clip.pk})
    await all_agree(host, ann)
    for frame_type, position in [("video.seek", -0.5), ("video.play", 10.5), ("video.pause", 3600)]:
        message = await refused(host, frame_type, {"position": position}, "invalid", ann)
        assert message == "The position must be from 0 to 10.0 seconds."
    await refused(host, "video.seek", {"position": "NaN"}, "invalid", ann)
    await refused(host, "video.open", {}, "invalid", ann)
    await refused(host, "video.open", {"file_id": clip.pk, "youtube_url": "https://youtu.be/dQw4w9WgXcQ"}, "invalid")
    [video] = await videos()
    assert video.position == 0 and video.playing is False


async def test_a_late_joiner_starts_where_the_video_is_now(webinar, clip):
    host, ann, _bob = await start(webinar)
    await ok(host, "video.open", {"file_id": clip.pk})
    played_after = time.time()
    await ok(host, "video.play", {"position": 2})
    played_before = time.time()
    await all_agree(host, ann)
    time.sleep(0.6)  # the video runs with nothing written
    carol = await database_sync_to_async(join)(webinar["room"], "carol-key", "Carol Late")
    joined_after = time.time()
    late = await connect(carol)
    joined_before = time.time()
    shown = late.state["video"]
    assert shown["playing"] is True and shown["position"] == 2
    # Both instants are the server's clock (the same machine here): when play was pressed, when
    # the snapshot was made.
    assert played_after - 0.01 <= shown["position_at"] / 1000 <= played_before + 0.01
    assert joined_after - 0.01 <= shown["now"] / 1000 <= joined_before + 0.01
    current = shown["position"] + (shown["now"] - shown["position_at"]) / 1000 * shown["rate"]
    assert 2 + (joined_after - played_before) - 0.05 <= current <= 2 + (joined_before - played_after) + 0.05
    assert current >= 2.6

    await ok(host, "video.pause", {"position": 3.5})
    dave = await database_sync_to_async(join)(webinar["room"], "dave-key", "Dave Later")
    paused = (await connect(dave)).state["video"]
    assert paused["playing"] is False and paused["position"] == 3.5  # a paused video does not move


async def test_opening_another_video_closes_the_one_shown_and_close_ends_it(webinar, clip, owner):
    host, ann, bob = await start(webinar)
    first = (await ok(host, "video.open", {"file_id": clip.pk}))["id"]
    second = (await ok(host, "video.open", {"youtube_url": "https://youtu.be/dQw4w9WgXcQ"}))["id"]
    await all_agree(host, ann, bob)
    assert ann.state["video"]["id"] == second
    await ok(host, "video.close")
    await all_agree(host, ann, bob)
    assert ann.state["video"] is None
    assert [(v.pk, v.closed_at is not None) for v in await videos()] == [(first, True), (second, True)]
    await refused(host, "video.play", {"position": 0}, "not_found", ann)


async def test_control_goes_to_another_presenter_and_only_they_play(webinar, clip):
    host, ann, bob = await start(webinar)
    await ok(host, "participant.set_role", {"participant_id": webinar["bob"].pk, "role": "presenter"})
    await ok(host, "video.open", {"file_id": clip.pk})
    await all_agree(host, ann, bob)
    await refused(bob, "video.play", {"position": 0}, "not_allowed", host, ann)
    await refused(host, "video.control", {"participant_id": webinar["ann"].pk}, "not_allowed", bob, ann)
    await refused(host, "video.control", {"participant_id": 999_999}, "not_found", bob, ann)
    await ok(host, "video.control", {"participant_id": webinar["bob"].pk})
    await all_agree(host, ann, bob)
    assert ann.state["video"]["controller"] == {"id": webinar["bob"].pk, "name": "Bob Attendee"}
    await refused(host, "video.play", {"position": 0}, "not_allowed", bob, ann)
    await ok(bob, "video.play", {"position": 1})
    await all_agree(host, ann, bob)
    assert ann.state["video"]["playing"] is True


async def test_the_lobby_gets_no_video_until_let_in(webinar, clip):
    host = await connect(webinar["host"])
    await ok(host, "session.set_admission", {"automatic": False})
    await ok(host, "video.open", {"file_id": clip.pk})
    ann = await connect(webinar["ann"])
    assert ann.state["video"] is None
    await ok(host, "session.start")
    await ok(host, "lobby.admit", {"participant_id": webinar["ann"].pk})
    await all_agree(host, ann)
    assert ann.state["video"]["title"] == "Product tour.mp4"


async def test_every_change_is_noted_on_a_running_recording(webinar, clip):
    from rostrum.recordings.models import Recording, RecordingEvent

    host, _ann, _bob = await start(webinar)
    session = await database_sync_to_async(Session.objects.get)(pk=webinar["host"].session_id)
    await database_sync_to_async(Recording.objects.create)(
        account=webinar["room"].account, room=webinar["room"], session=session, spool_dir="unused"
    )
    video_id = (await ok(host, "video.open", {"file_id": clip.pk}))["id"]
    await ok(host, "video.play", {"position": 0})
    await ok(host, "video.pause", {"position": 3.5})
    await ok(host, "video.seek", {"position": 7})
    await ok(host, "video.close")
    entries = await database_sync_to_async(lambda: list(RecordingEvent.objects.values_list("kind", "data")))()
    path = clip.converted.name
    shown = {"video_id": video_id, "source": "library", "path": path}
    assert entries == [
        ("video.shown", {**shown, "position": 0.0, "playing": False}),
        ("video.shown", {**shown, "position": 0.0, "playing": True}),
        ("video.shown", {**shown, "position": 3.5, "playing": False}),
        ("video.shown", {**shown, "position": 7.0, "playing": False}),
        ("video.hidden", {"video_id": video_id}),
    ]
    assert path.endswith(".mp4")


async def test_nothing_is_noted_without_a_recording(webinar, clip):
    from rostrum.recordings.models import RecordingEvent

    host, _ann, _bob = await start(webinar)
    await ok(host, "video.open", {"file_id": clip.pk})
    await ok(host, "video.play", {"position": 0})
    assert await database_sync_to_async(RecordingEvent.objects.count)() == 0


REDUCER_JS = Path(__file__).resolve().parents[2] / "static" / "rostrum" / "live" / "reducer.js"
NODE_APPLY = """
import { readFileSync } from "node:fs";
const { apply, fromSnapshot } = await import(process.argv[1]);
const { snapshot, events } = JSON.parse(readFileSync(0, "utf8"));
let state = fromSnapshot(snapshot);
for (const event of events) state = apply(state, event);
process.stdout.write(JSON.stringify(state));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the browser's reducer")
async def test_the_browsers_reducer_makes_the_same_video_state_as_the_servers(webinar, clip):
    host, ann, _bob = await start(webinar)
    snapshot = ann.state
    await ok(host, "video.open", {"file_id": clip.pk})
    await ok(host, "video.play", {"position": 1.5})
    await ok(host, "video.seek", {"position": 4})
    await ok(host, "participant.set_role", {"participant_id": webinar["bob"].pk, "role": "presenter"})
    await ok(host, "video.control", {"participant_id": webinar["bob"].pk})
    await ok(host, "video.open", {"youtube_url": "https://youtu.be/dQw4w9WgXcQ"})
    events = await ann.drain()
    assert {"video.opened", "video.state", "video.closed", "video.control_changed"} <= {e["type"] for e in events}
    await all_agree(ann)
    done = subprocess.run(  # noqa: S603 — node with a script written here
        [shutil.which("node"), "--input-type=module", "-e", NODE_APPLY, REDUCER_JS.as_uri()],
        input=json.dumps({"snapshot": snapshot, "events": events}),
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    browser_state = json.loads(done.stdout)
    assert browser_state["video"] == ann.state["video"] and browser_state["seq"] == ann.state["seq"]
    assert browser_state["video"]["youtube_id"] == "dQw4w9WgXcQ"


async def test_a_video_opens_over_an_open_presentation_which_stays_open(webinar, clip, owner):
    from rostrum.engagement.tests.factories import make_presentable_file

    deck = await database_sync_to_async(make_presentable_file)(owner)
    host, ann, _bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await ok(host, "video.open", {"file_id": clip.pk})
    await all_agree(host, ann)
    assert ann.state["presentation"]["file"]["id"] == deck.pk and ann.state["video"]["title"] == "Product tour.mp4"
    await ok(host, "video.close")
    await all_agree(host, ann)
    assert ann.state["video"] is None and ann.state["presentation"] is not None


async def test_nothing_is_shared_once_the_session_has_ended(webinar, clip):
    host, ann, _bob = await start(webinar)
    await ok(host, "video.open", {"file_id": clip.pk})
    await ok(host, "session.end")
    await ann.drain()
    await refused(host, "video.play", {"position": 1}, "session_ended", ann)
    await refused(host, "video.open", {"file_id": clip.pk}, "session_ended", ann)
    [video] = await videos()
    assert video.playing is False
