"""The whiteboard over the live protocol: who may draw, the tools, eraser, undo, redo, clear, late joiners.

Every client's snapshot plus the events it received must equal a fresh snapshot (``all_agree``),
and a refused frame changes nothing and publishes nothing (``refused``).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from rostrum.live.context import viewer_of
from rostrum.live.snapshot import apply
from rostrum.live.tests.conftest import connect, join
from rostrum.live.tests.test_presentations import all_agree, ok, refused
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.tests.factories import make_room
from rostrum.whiteboard.models import Whiteboard, WhiteboardItem

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

LINE = [[0.1, 0.1], [0.5, 0.5], [0.9, 0.2]]
CORNERS = [[0.2, 0.2], [0.6, 0.7]]
ITEMS = [
    {"kind": "pen", "points": LINE, "colour": "red", "width": 4},
    {"kind": "line", "points": CORNERS, "colour": "blue", "width": 2},
    {"kind": "rect", "points": CORNERS, "colour": "green", "width": 6},
    {"kind": "ellipse", "points": CORNERS, "colour": "orange", "width": 8},
    {"kind": "arrow", "points": CORNERS, "colour": "black", "width": 3},
    {"kind": "text", "points": [[0.3, 0.4]], "colour": "black", "width": 4, "text": "Hello, board"},
]


@pytest.fixture
def meeting(owner):
    """A meeting with its host and two participants; the session has not started."""
    room = make_room(owner, name="Team meeting", room_type="meeting")
    host = join(room, "host-key", "Hanna Host", ParticipantRole.HOST)
    ann = join(room, "ann-key", "Ann Member")
    bob = join(room, "bob-key", "Bob Member")
    return {"room": room, "host": host, "ann": ann, "bob": bob}


async def start(people):
    host = await connect(people["host"])
    await host.request("session.start")
    ann, bob = await connect(people["ann"]), await connect(people["bob"])
    return host, ann, bob


def count_items(**filters) -> int:
    return WhiteboardItem.objects.filter(**filters).count()


async def items(**filters) -> int:
    return await database_sync_to_async(count_items)(**filters)


async def test_the_host_shows_the_board_and_draws_with_every_tool(webinar):
    host, ann, bob = await start(webinar)
    board_id = (await ok(host, "whiteboard.show"))["id"]
    await all_agree(host, ann, bob)
    assert ann.state["whiteboard"] == {
        "id": board_id,
        "everyone_may_draw": False,
        "items": [],
        "image_url": f"/live/whiteboards/{board_id}/board.png",
    }
    ids = [(await ok(host, "whiteboard.add", item))["id"] for item in ITEMS]
    await all_agree(host, ann, bob)
    shown = bob.state["whiteboard"]["items"]
    assert [item["id"] for item in shown] == ids
    for sent, received in zip(ITEMS, shown, strict=True):
        assert received == {"text": "", **sent, "id": received["id"], "author_id": webinar["host"].pk}
    await ok(host, "whiteboard.show")  # shown already: nothing to say
    assert await ann.drain() == []


async def test_attendees_of_a_webinar_may_not_draw_or_run_the_board(webinar):
    host, ann, bob = await start(webinar)
    await ok(host, "whiteboard.show")
    item_id = (await ok(host, "whiteboard.add", ITEMS[0]))["id"]
    await all_agree(host, ann, bob)
    for frame_type, data in [
        ("whiteboard.add", ITEMS[2]),
        ("whiteboard.erase", {"item_id": item_id}),
        ("whiteboard.undo", {}),
        ("whiteboard.redo", {}),
        ("whiteboard.clear", {}),
        ("whiteboard.hide", {}),
        ("whiteboard.show", {}),
        ("whiteboard.allow_everyone", {"allowed": True}),
    ]:
        await refused(ann, frame_type, data, "not_allowed", host, bob)
    # Not even the host can let everyone draw in a webinar.
    await refused(host, "whiteboard.allow_everyone", {"allowed": True}, "not_allowed", ann, bob)
    board = await database_sync_to_async(Whiteboard.objects.get)()
    assert board.is_shown and not board.everyone_may_draw
    assert await items() == 1 and await items(removed_at=None) == 1


async def test_in_a_meeting_everyone_draws_once_the_host_allows_it(meeting):
    host, ann, bob = await start(meeting)
    await refused(host, "whiteboard.allow_everyone", {"allowed": True}, "not_found", ann)  # no board shown yet
    await ok(host, "whiteboard.show")
    await all_agree(host, ann, bob)
    await refused(ann, "whiteboard.add", ITEMS[0], "not_allowed", host, bob)
    await refused(ann, "whiteboard.allow_everyone", {"allowed": True}, "not_allowed", host, bob)
    await ok(host, "whiteboard.allow_everyone", {"allowed": True})
    await all_agree(host, ann, bob)
    assert bob.state["whiteboard"]["everyone_may_draw"] is True
    ann_item = (await ok(ann, "whiteboard.add", ITEMS[1]))["id"]
    await all_agree(host, ann, bob)
    assert [item["author_id"] for item in host.state["whiteboard"]["items"]] == [meeting["ann"].pk]
    # Drawers may erase anyone's item, but clearing stays with the organisers.
    await refused(bob, "whiteboard.clear", {}, "not_allowed", host, ann)
    await ok(bob, "whiteboard.erase", {"item_id": ann_item})
    await all_agree(host, ann, bob)
    assert host.state["whiteboard"]["items"] == []
    await ok(host, "whiteboard.allow_everyone", {"allowed": False})
    await all_agree(host, ann, bob)
    await refused(ann, "whiteboard.add", ITEMS[0], "not_allowed", host, bob)
    erased = await database_sync_to_async(WhiteboardItem.objects.get)(pk=ann_item)
    assert erased.removed_at is not None and erased.removed_by_id == meeting["bob"].pk


async def test_undo_removes_only_the_callers_own_last_item(meeting):
    host, ann, bob = await start(meeting)
    await ok(host, "whiteboard.show")
    await ok(host, "whiteboard.allow_everyone", {"allowed": True})
    first = (await ok(ann, "whiteboard.add", ITEMS[0]))["id"]
    second = (await ok(ann, "whiteboard.add", ITEMS[2]))["id"]
    host_item = (await ok(host, "whiteboard.add", ITEMS[3]))["id"]
    await all_agree(host, ann, bob)
    assert (await ok(ann, "whiteboard.undo"))["id"] == second
    await all_agree(host, ann, bob)
    assert [item["id"] for item in bob.state["whiteboard"]["items"]] == [first, host_item]
    assert (await ok(ann, "whiteboard.undo"))["id"] == first
    assert (await ok(ann, "whiteboard.undo"))["id"] is None  # nothing of Ann's left: nothing published
    assert (await ok(bob, "whiteboard.undo"))["id"] is None
    await all_agree(host, ann, bob)
    assert [item["id"] for item in ann.state["whiteboard"]["items"]] == [host_item]
    assert await items() == 3 and await items(removed_at=None) == 1  # rows are kept, marked removed


def item_rows() -> dict[int, tuple]:
    """Every item: ``id → (removal_reason, removed, kind)``."""
    rows = WhiteboardItem.objects.values_list("id", "removal_reason", "removed_at", "kind")
    return {pk: (reason, removed_at is not None, kind) for pk, reason, removed_at, kind in rows}


async def rows() -> dict[int, tuple]:
    return await database_sync_to_async(item_rows)()


def on_board(client) -> list[tuple[str, int]]:
    return [(item["kind"], item["author_id"]) for item in client.state["whiteboard"]["items"]]


def redo_count(client) -> int:
    return client.state["my_whiteboard"]["redo_count"]


async def drawing_meeting(meeting):
    """The meeting started, its board shown and everyone allowed to draw: ``host, ann, bob``."""
    host, ann, bob = await start(meeting)
    await ok(host, "whiteboard.show")
    await ok(host, "whiteboard.allow_everyone", {"allowed": True})
    return host, ann, bob


async def test_redo_brings_back_the_callers_own_undone_items_last_undone_first(meeting):
    host, ann, bob = await drawing_meeting(meeting)
    first = (await ok(ann, "whiteboard.add", ITEMS[0]))["id"]
    second = (await ok(ann, "whiteboard.add", ITEMS[2]))["id"]
    await ok(host, "whiteboard.add", ITEMS[3])
    assert (await ok(ann, "whiteboard.undo"))["id"] == second
    assert (await ok(ann, "whiteboard.undo"))["id"] == first
    await all_agree(host, ann, bob)
    assert (redo_count(ann), redo_count(bob), redo_count(host)) == (2, 0, 0)
    # Bob and the host have nothing undone: Ann's items are not theirs to bring back.
    assert (await ok(bob, "whiteboard.redo"))["id"] is None
    assert (await ok(host, "whiteboard.redo"))["id"] is None
    assert await ann.drain() == []
    copy = (await ok(ann, "whiteboard.redo"))["id"]  # the last undone: the first item
    await all_agree(host, ann, bob)
    ann_id, host_id = meeting["ann"].pk, meeting["host"].pk
    assert on_board(bob) == [("ellipse", host_id), ("pen", ann_id)]  # a copy, drawn on top
    assert copy > second and bob.state["whiteboard"]["items"][-1]["points"] == LINE
    assert (redo_count(ann), redo_count(bob)) == (1, 0)
    assert (await ok(ann, "whiteboard.redo"))["id"] > copy
    assert (await ok(ann, "whiteboard.redo"))["id"] is None  # the stack is empty
    await all_agree(host, ann, bob)
    assert on_board(host) == [("ellipse", host_id), ("pen", ann_id), ("rect", ann_id)]
    assert redo_count(ann) == 0
    # The undone rows stay removed (the recording shows the gap); the board has their copies.
    saved = await rows()
    assert saved[first] == ("redone", True, "pen") and saved[second] == ("redone", True, "rect")
    assert await items() == 5 and await items(removed_at=None) == 3


async def test_a_new_item_empties_the_drawers_redo_stack_and_only_theirs(meeting):
    host, ann, bob = await drawing_meeting(meeting)
    ann_item = (await ok(ann, "whiteboard.add", ITEMS[0]))["id"]
    bob_item = (await ok(bob, "whiteboard.add", ITEMS[1]))["id"]
    await ok(ann, "whiteboard.undo")
    await ok(bob, "whiteboard.undo")
    await ok(host, "whiteboard.add", ITEMS[2])  # someone else's new item leaves Ann's and Bob's stacks alone
    await all_agree(host, ann, bob)
    assert (redo_count(ann), redo_count(bob)) == (1, 1)
    await ok(ann, "whiteboard.add", ITEMS[3])
    await all_agree(host, ann, bob)
    assert (redo_count(ann), redo_count(bob)) == (0, 1)
    assert (await ok(ann, "whiteboard.redo"))["id"] is None
    assert (await ok(bob, "whiteboard.redo"))["id"] is not None
    await all_agree(host, ann, bob)
    saved = await rows()
    assert saved[ann_item] == ("superseded", True, "pen") and saved[bob_item] == ("redone", True, "line")


async def test_redo_never_brings_back_erased_or_cleared_items(meeting):
    host, ann, bob = await drawing_meeting(meeting)
    erased = (await ok(ann, "whiteboard.add", ITEMS[0]))["id"]
    await ok(bob, "whiteboard.erase", {"item_id": erased})
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 0
    assert (await ok(ann, "whiteboard.redo"))["id"] is None
    cleared = (await ok(ann, "whiteboard.add", ITEMS[1]))["id"]
    undone = (await ok(ann, "whiteboard.add", ITEMS[2]))["id"]
    await ok(ann, "whiteboard.undo")
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 1
    # Clearing removes what is on the board and empties every redo stack: a fresh start.
    await ok(host, "whiteboard.clear")
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 0 and ann.state["whiteboard"]["items"] == []
    assert (await ok(ann, "whiteboard.redo"))["id"] is None
    assert await ann.drain() == [] and await items(removed_at=None) == 0
    saved = await rows()
    assert saved[erased][0] == "erased" and saved[cleared][0] == "cleared" and saved[undone][0] == "superseded"


async def test_clearing_a_board_that_looks_empty_still_empties_the_redo_stacks(meeting):
    host, ann, bob = await drawing_meeting(meeting)
    await ok(ann, "whiteboard.add", ITEMS[1])
    await ok(ann, "whiteboard.undo")
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 1 and ann.state["whiteboard"]["items"] == []
    await ok(host, "whiteboard.clear")
    assert [event["type"] for event in await bob.drain()] == ["whiteboard.cleared"]
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 0
    await ok(host, "whiteboard.clear")  # now nothing is left to remove or forget: nothing published
    assert await ann.drain() == []


async def test_only_those_who_may_draw_redo_and_hiding_keeps_the_stack(meeting):
    host, ann, bob = await drawing_meeting(meeting)
    await ok(ann, "whiteboard.add", ITEMS[1])
    await ok(ann, "whiteboard.undo")
    await ok(host, "whiteboard.allow_everyone", {"allowed": False})
    await all_agree(host, ann, bob)
    await refused(ann, "whiteboard.redo", {}, "not_allowed", host, bob)
    await ok(host, "whiteboard.hide")
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 1  # the stack outlives the board's being hidden
    await refused(host, "whiteboard.redo", {}, "not_found", ann)  # no board shown
    await ok(host, "whiteboard.show")
    await ok(host, "whiteboard.allow_everyone", {"allowed": True})
    await all_agree(host, ann, bob)
    assert redo_count(ann) == 1 and await items(removed_at=None) == 0
    await ok(ann, "whiteboard.redo")
    await all_agree(host, ann, bob)
    assert on_board(bob) == [("line", meeting["ann"].pk)] and redo_count(ann) == 0
    await ok(ann, "whiteboard.undo")
    await ok(host, "session.end")
    assert (await ann.request("whiteboard.redo"))["code"] == "session_ended"
    assert await items(removed_at=None) == 0


async def test_redo_counts_with_adds_in_the_rate_limit(webinar, monkeypatch):
    from rostrum.whiteboard import actions

    monkeypatch.setattr(actions, "ADD_RATE_COUNT", 3)
    monkeypatch.setattr(actions, "ADD_RATE_SECONDS", 60)
    host, ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")
    for _ in range(3):
        await ok(host, "whiteboard.add", ITEMS[1])
    await ok(host, "whiteboard.undo")
    await all_agree(host, ann)
    await refused(host, "whiteboard.redo", {}, "rate_limited", ann)
    assert await items() == 3 and redo_count(host) == 1


async def test_the_recordings_board_shows_an_undone_then_redone_item_only_while_it_was_there(webinar):
    from rostrum.whiteboard.render import items_at

    host, _ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")
    drawn = (await ok(host, "whiteboard.add", ITEMS[2]))["id"]
    await ok(host, "whiteboard.undo")
    copy = (await ok(host, "whiteboard.redo"))["id"]

    def ids_at_each_change() -> list[list[int]]:
        original = WhiteboardItem.objects.get(pk=drawn)
        redone = WhiteboardItem.objects.get(pk=copy)
        moments = [original.created_at, original.removed_at, redone.created_at]
        return [list(items_at(original.board, moment).values_list("id", flat=True)) for moment in moments]

    assert await database_sync_to_async(ids_at_each_change)() == [[drawn], [], [copy]]


async def test_the_host_clears_the_board_and_the_rows_are_kept(webinar):
    host, ann, bob = await start(webinar)
    await ok(host, "whiteboard.show")
    for item in ITEMS:
        await ok(host, "whiteboard.add", item)
    await ok(host, "whiteboard.clear")
    await all_agree(host, ann, bob)
    assert ann.state["whiteboard"]["items"] == []
    assert await items() == len(ITEMS) and await items(removed_at=None) == 0
    await ok(host, "whiteboard.clear")  # nothing left: nothing published
    assert await ann.drain() == []
    # Erasing something removed already changes nothing either.
    removed = await database_sync_to_async(lambda: WhiteboardItem.objects.first().pk)()
    await ok(host, "whiteboard.erase", {"item_id": removed})
    assert await ann.drain() == []


async def test_bad_items_are_refused_with_a_reason_and_nothing_is_saved(webinar):
    host, ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")
    await all_agree(host, ann)
    for data, reason in [
        ({**ITEMS[0], "points": [[0.5, 1.5]]}, "less than or equal to 1"),
        ({**ITEMS[0], "points": [[-0.1, 0.5]]}, "greater than or equal to 0"),
        ({**ITEMS[0], "points": [[0.5, 0.5]] * 2001}, "at most 2000"),
        ({**ITEMS[0], "points": []}, "at least 1"),
        ({**ITEMS[0], "colour": "pink"}, "colour"),
        ({**ITEMS[0], "width": 99}, "width"),
        ({**ITEMS[5], "text": "x" * 501}, "at most 500 characters"),
        ({**ITEMS[5], "text": "   "}, "A text has 1 to 500 characters."),
        ({**ITEMS[0], "text": "sneaky"}, "Only the text tool writes text."),
        ({**ITEMS[0], "kind": "star"}, "kind"),
        ({**ITEMS[2], "points": LINE}, "A shape has two points"),
        ({**ITEMS[5], "points": CORNERS}, "A text has one point"),
        ({**ITEMS[0], "author_id": 1}, "author_id"),
    ]:
        reply = await host.request("whiteboard.add", data)
        assert reply["type"] == "error" and reply["code"] == "invalid", (data, reply)
        assert reason in reply["message"], (reason, reply["message"])
    assert await ann.drain() == []
    assert await items() == 0
    await ok(host, "whiteboard.add", {**ITEMS[0], "points": [[0.5, 0.5]] * 2000})
    await ok(host, "whiteboard.add", {**ITEMS[5], "text": "x" * 500})
    await all_agree(host, ann)
    assert await items() == 2


async def test_an_item_of_another_session_is_not_found(webinar, owner):
    host, ann, _bob = await start(webinar)
    other_room = await database_sync_to_async(make_room)(owner, name="Other room")
    other_host = await database_sync_to_async(join)(other_room, "other-host", "Olga", ParticipantRole.HOST)
    olga = await connect(other_host)
    await ok(olga, "whiteboard.show")
    theirs = (await ok(olga, "whiteboard.add", ITEMS[0]))["id"]
    await ok(host, "whiteboard.show")
    await all_agree(host, ann, olga)
    await refused(host, "whiteboard.erase", {"item_id": theirs}, "not_found", ann, olga)
    await refused(host, "whiteboard.erase", {"item_id": 999_999}, "not_found", ann)
    assert await items(removed_at=None) == 1


async def test_a_late_joiner_sees_the_visible_items_and_hiding_takes_the_board_away(webinar):
    host, ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")
    kept = (await ok(host, "whiteboard.add", ITEMS[2]))["id"]
    erased = (await ok(host, "whiteboard.add", ITEMS[0]))["id"]
    await ok(host, "whiteboard.erase", {"item_id": erased})
    await all_agree(host, ann)
    carol = await database_sync_to_async(join)(webinar["room"], "carol-key", "Carol Late")
    late = await connect(carol)
    assert [item["id"] for item in late.state["whiteboard"]["items"]] == [kept]
    await ok(host, "whiteboard.hide")
    await all_agree(host, ann, late)
    assert late.state["whiteboard"] is None and host.state["whiteboard"] is None
    await refused(host, "whiteboard.add", ITEMS[0], "not_found", ann)
    await ok(host, "whiteboard.show")  # the same board comes back with what was on it
    await all_agree(host, ann, late)
    assert [item["id"] for item in late.state["whiteboard"]["items"]] == [kept]


async def test_the_lobby_sees_no_board_until_let_in(webinar):
    host = await connect(webinar["host"])
    await ok(host, "session.set_admission", {"automatic": False})
    await ok(host, "whiteboard.show")
    await ok(host, "whiteboard.add", ITEMS[1])
    ann = await connect(webinar["ann"])
    assert ann.state["whiteboard"] is None
    await host.drain()  # its own events may come after their acks (through Redis, they do)
    await refused(ann, "whiteboard.add", ITEMS[1], "not_allowed", host)
    await ok(host, "session.start")
    await ok(host, "lobby.admit", {"participant_id": webinar["ann"].pk})
    await all_agree(host, ann)
    assert len(ann.state["whiteboard"]["items"]) == 1


async def test_adding_is_rate_limited_per_participant(webinar, monkeypatch):
    from rostrum.whiteboard import actions

    # The real limit is 20 a second; a minute's window makes the test independent of the machine's speed.
    monkeypatch.setattr(actions, "ADD_RATE_COUNT", 3)
    monkeypatch.setattr(actions, "ADD_RATE_SECONDS", 60)
    host, ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")
    for _ in range(3):
        await ok(host, "whiteboard.add", ITEMS[1])
    await all_agree(host, ann)
    await refused(host, "whiteboard.add", ITEMS[1], "rate_limited", ann)
    assert await items() == 3


async def test_show_and_hide_are_noted_on_a_running_recording(webinar):
    from rostrum.recordings.models import Recording, RecordingEvent
    from rostrum.rooms.models import Session

    host, _ann, _bob = await start(webinar)
    session = await database_sync_to_async(Session.objects.get)(pk=webinar["host"].session_id)
    await database_sync_to_async(Recording.objects.create)(
        account=webinar["room"].account, room=webinar["room"], session=session, spool_dir="unused"
    )
    board_id = (await ok(host, "whiteboard.show"))["id"]
    await ok(host, "whiteboard.add", ITEMS[0])
    await ok(host, "whiteboard.hide")
    await ok(host, "whiteboard.hide")  # hidden already: nothing noted
    entries = await database_sync_to_async(lambda: list(RecordingEvent.objects.values_list("kind", "data")))()
    assert entries == [("whiteboard.shown", {"board_id": board_id}), ("whiteboard.hidden", {"board_id": board_id})]


async def test_nothing_is_noted_without_a_recording(webinar):
    from rostrum.recordings.models import RecordingEvent

    host, _ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")
    await ok(host, "whiteboard.hide")
    assert await database_sync_to_async(RecordingEvent.objects.count)() == 0


async def test_the_snapshot_part_reads_two_queries_however_many_items(webinar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rostrum.live.context import LiveContext
    from rostrum.rooms.models import Participant
    from rostrum.whiteboard.live_events import whiteboard_part

    host, _ann, _bob = await start(webinar)
    await ok(host, "whiteboard.show")

    def count() -> int:
        participant = Participant.objects.select_related("session__room").get(pk=webinar["ann"].pk)
        with CaptureQueriesContext(connection) as queries:
            whiteboard_part(LiveContext(participant=participant, session=participant.session))
        return len(queries)

    before = await database_sync_to_async(count)()
    for item in ITEMS:
        await ok(host, "whiteboard.add", item)
    assert await database_sync_to_async(count)() == before == 2


REDUCER_JS = Path(__file__).resolve().parents[2] / "static" / "rostrum" / "live" / "reducer.js"
NODE_APPLY = """
import { readFileSync } from "node:fs";
const { apply, fromSnapshot } = await import(process.argv[1]);
const { snapshot, events } = JSON.parse(readFileSync(0, "utf8"));
let state = fromSnapshot(snapshot);
for (const event of events) state = apply(state, event);
process.stdout.write(JSON.stringify(state));
"""


def browser_reduce(snapshot: dict, events: list[dict]) -> dict:
    """What reducer.js (the page's own code, run by Node) makes of ``snapshot`` and ``events``."""
    done = subprocess.run(  # noqa: S603 — node with a script written here
        [shutil.which("node"), "--input-type=module", "-e", NODE_APPLY, REDUCER_JS.as_uri()],
        input=json.dumps({"snapshot": snapshot, "events": events}),
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the browser's reducer")
async def test_the_browsers_reducer_makes_the_same_board_as_the_servers(meeting):
    host, ann, bob = await start(meeting)
    # Carol only watches: every event reaches her socket and none is absorbed while awaiting an ack.
    carol = await connect(await database_sync_to_async(join)(meeting["room"], "carol-key", "Carol Watcher"))
    snapshot = carol.state
    # Ann's second tab only watches too: her own redo stack, as her browser counts it.
    ann_tab = await connect(meeting["ann"])
    ann_snapshot = ann_tab.state
    await ok(host, "whiteboard.show")
    await ok(host, "whiteboard.allow_everyone", {"allowed": True})
    for item in ITEMS:
        await ok(host, "whiteboard.add", item)
    mine = (await ok(ann, "whiteboard.add", ITEMS[0]))["id"]
    await ok(ann, "whiteboard.add", ITEMS[2])
    await ok(ann, "whiteboard.add", ITEMS[3])
    await ok(bob, "whiteboard.erase", {"item_id": mine})  # erased: not Ann's to redo
    await ok(ann, "whiteboard.undo")
    await ok(ann, "whiteboard.undo")
    await ok(ann, "whiteboard.redo")
    await ok(host, "whiteboard.hide")
    await ok(host, "whiteboard.show")
    await ok(ann, "whiteboard.redo")
    await ok(ann, "whiteboard.undo")
    await ok(ann, "whiteboard.add", ITEMS[1])  # empties Ann's stack
    await ok(ann, "whiteboard.undo")
    await ok(host, "whiteboard.add", ITEMS[5])
    await ok(host, "whiteboard.clear")  # empties every stack
    await ok(host, "whiteboard.add", ITEMS[4])
    await ok(ann, "whiteboard.add", ITEMS[2])
    await ok(ann, "whiteboard.undo")
    await ok(host, "whiteboard.allow_everyone", {"allowed": False})
    events = [event for event in await carol.drain() if "seq" in event]
    ann_events = [event for event in await ann_tab.drain() if "seq" in event]
    await all_agree(host, ann, bob, carol, ann_tab)
    assert {event["type"] for event in events} == {
        "whiteboard.shown", "whiteboard.hidden", "whiteboard.permission_changed", "whiteboard.item_added",
        "whiteboard.items_removed", "whiteboard.item_redone", "whiteboard.cleared",
    }  # fmt: skip
    browser_state = browser_reduce(snapshot, events)
    assert browser_state["whiteboard"] == carol.state["whiteboard"] and browser_state["seq"] == carol.state["seq"]
    assert [item["kind"] for item in browser_state["whiteboard"]["items"]] == ["arrow"]
    assert browser_state["my_whiteboard"] == carol.state["my_whiteboard"] == {"redo_count": 0}
    ann_browser = browser_reduce(ann_snapshot, ann_events)
    assert ann_browser["whiteboard"] == ann_tab.state["whiteboard"] == browser_state["whiteboard"]
    assert ann_browser["my_whiteboard"] == ann_tab.state["my_whiteboard"] == {"redo_count": 1}
    # And halfway: the hidden board shown again, one of Ann's items still to redo (the server's reducers agree).
    shown_again = [n for n, event in enumerate(ann_events) if event["type"] == "whiteboard.shown"][1]
    server_state = ann_snapshot
    for event in ann_events[: shown_again + 1]:
        server_state = apply(server_state, event, viewer_of(meeting["ann"]))
    halfway = browser_reduce(ann_snapshot, ann_events[: shown_again + 1])
    assert halfway["whiteboard"] == server_state["whiteboard"]
    assert halfway["my_whiteboard"] == server_state["my_whiteboard"] == {"redo_count": 1}
