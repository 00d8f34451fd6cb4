"""Presentations over the live protocol: pages in sync, control, strokes, pointer, late joiners.

Every client's snapshot plus the events it received must equal a fresh snapshot, and a refused
frame changes nothing and publishes nothing.
"""

import pytest
from channels.db import database_sync_to_async

from rostrum.engagement.models import Presentation, PresentationStroke
from rostrum.engagement.tests.factories import make_presentable_file
from rostrum.library.tests.factories import make_library_file
from rostrum.live.tests.conftest import connect, fresh_snapshot, join
from rostrum.rooms.models import Session

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

LINE = [[0.1, 0.1], [0.5, 0.5], [0.9, 0.2]]


async def start(webinar):
    host = await connect(webinar["host"])
    await host.request("session.start")
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


async def all_agree(*clients):
    for client in clients:
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant), client.participant.display_name


async def ok(client, frame_type, data=None) -> dict:
    reply = await client.request(frame_type, data)
    assert reply["type"] == "ack", reply
    return reply["data"]


async def refused(client, frame_type, data, code, *watchers):
    """The frame is refused with ``code``; nothing is published and the sequence does not move."""
    seq_before = await database_sync_to_async(lambda: Session.objects.get(pk=client.participant.session_id).last_seq)()
    reply = await client.request(frame_type, data)
    assert reply["type"] == "error" and reply["code"] == code, reply
    for watcher in (client, *watchers):
        assert await watcher.drain() == []
    seq_after = await database_sync_to_async(lambda: Session.objects.get(pk=client.participant.session_id).last_seq)()
    assert seq_after == seq_before


@pytest.fixture
def deck(webinar, owner):
    return make_presentable_file(owner)


async def test_the_host_opens_a_file_and_everyone_sees_its_first_page(webinar, deck):
    host, ann, bob = await start(webinar)
    files = (await ok(host, "presentation.files"))["files"]
    assert files == [{"id": deck.pk, "name": "Quarterly deck.pptx", "page_count": 3}]
    presentation_id = (await ok(host, "presentation.open", {"file_id": deck.pk}))["id"]
    await all_agree(host, ann, bob)
    shown = ann.state["presentation"]
    assert shown["id"] == presentation_id and shown["page"] == 1 and shown["page_count"] == 3
    assert shown["file"] == {"id": deck.pk, "name": "Quarterly deck.pptx"}
    assert shown["pages_url"] == f"/live/presentations/{presentation_id}/pages/"
    assert shown["controller"] == {"id": webinar["host"].pk, "name": "Hanna Host"}
    assert shown["downloads_allowed"] is False and shown["download_url"] is None and shown["strokes"] == []


async def test_attendees_may_not_present_move_draw_point_or_clear(webinar, deck):
    host, ann, bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await all_agree(host, ann, bob)
    for frame_type, data in [
        ("presentation.files", {}),
        ("presentation.open", {"file_id": deck.pk}),
        ("presentation.page", {"page": 2}),
        ("presentation.close", {}),
        ("presentation.control", {"participant_id": webinar["ann"].pk}),
        ("presentation.downloads", {"allowed": True}),
        ("presentation.pointer", {"x": 0.5, "y": 0.5}),
        ("presentation.stroke", {"page": 1, "points": LINE, "colour": "red", "width": 4}),
        ("presentation.clear", {"page": 1}),
    ]:
        await refused(ann, frame_type, data, "not_allowed", host, bob)
    presentation = await database_sync_to_async(Presentation.objects.get)()
    assert presentation.page == 1 and presentation.controller_id == webinar["host"].pk
    assert not presentation.downloads_allowed and presentation.closed_at is None
    assert await database_sync_to_async(PresentationStroke.objects.count)() == 0


async def test_the_controller_moves_pages_within_bounds(webinar, deck):
    host, ann, bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await ok(host, "presentation.page", {"page": 2})
    await all_agree(host, ann, bob)
    assert ann.state["presentation"]["page"] == 2
    await refused(host, "presentation.page", {"page": 4}, "invalid", ann)
    await refused(host, "presentation.page", {"page": 0}, "invalid", ann)
    await ok(host, "presentation.page", {"page": 2})  # where it is already: nothing to say
    assert await ann.drain() == []
    await ok(host, "presentation.page", {"page": 3})
    await all_agree(host, ann, bob)
    assert bob.state["presentation"]["page"] == 3


async def test_control_goes_to_another_presenter_and_only_they_move_the_pages(webinar, deck):
    host, ann, bob = await start(webinar)
    await ok(host, "participant.set_role", {"participant_id": webinar["bob"].pk, "role": "presenter"})
    await all_agree(host, ann, bob)  # Bob's connection got a fresh snapshot as a presenter
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await all_agree(host, ann, bob)
    await refused(bob, "presentation.page", {"page": 2}, "not_allowed", host, ann)
    await refused(host, "presentation.control", {"participant_id": webinar["ann"].pk}, "not_allowed", bob, ann)
    await refused(host, "presentation.control", {"participant_id": 999_999}, "not_found", bob, ann)
    await ok(host, "presentation.control", {"participant_id": webinar["bob"].pk})
    await all_agree(host, ann, bob)
    assert ann.state["presentation"]["controller"] == {"id": webinar["bob"].pk, "name": "Bob Attendee"}
    await refused(host, "presentation.page", {"page": 2}, "not_allowed", bob, ann)
    await ok(bob, "presentation.page", {"page": 2})
    await ok(bob, "presentation.stroke", {"page": 2, "points": LINE, "colour": "blue", "width": 3})
    await all_agree(host, ann, bob)
    assert ann.state["presentation"]["page"] == 2 and len(ann.state["presentation"]["strokes"]) == 1


async def test_a_late_joiner_gets_the_current_page_its_strokes_and_the_controller(webinar, deck, owner):
    host, ann, _bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await ok(host, "presentation.stroke", {"page": 1, "points": LINE, "colour": "red", "width": 4})
    await ok(host, "presentation.page", {"page": 2})
    stroke_id = (await ok(host, "presentation.stroke", {"page": 2, "points": LINE, "colour": "green", "width": 6}))[
        "id"
    ]
    await ok(host, "presentation.downloads", {"allowed": True})
    await all_agree(host, ann)
    carol = await database_sync_to_async(join)(webinar["room"], "carol-key", "Carol Late")
    late = await connect(carol)
    shown = late.state["presentation"]
    assert shown["page"] == 2 and shown["controller"]["id"] == webinar["host"].pk
    assert [s["id"] for s in shown["strokes"]] == [stroke_id]
    assert shown["strokes"][0] | {"id": 0} == {
        "id": 0,
        "page": 2,
        "points": LINE,
        "colour": "green",
        "width": 6,
        "author_id": webinar["host"].pk,
    }
    assert shown["downloads_allowed"] is True
    assert shown["download_url"] == f"/live/presentations/{shown['id']}/download/"
    # Back on page 1, its own strokes come with the page change.
    await ok(host, "presentation.page", {"page": 1})
    await all_agree(host, ann, late)
    assert [s["colour"] for s in late.state["presentation"]["strokes"]] == ["red"]


async def test_strokes_are_validated_and_a_page_is_cleared(webinar, deck):
    host, ann, bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await all_agree(host, ann, bob)
    too_long = [[0.5, 0.5]] * 2001
    for data in [
        {"page": 1, "points": too_long, "colour": "red", "width": 4},
        {"page": 1, "points": [], "colour": "red", "width": 4},
        {"page": 1, "points": [[0.5, 1.5]], "colour": "red", "width": 4},
        {"page": 1, "points": [[0.5, -0.1]], "colour": "red", "width": 4},
        {"page": 1, "points": [[0.5]], "colour": "red", "width": 4},
        {"page": 1, "points": LINE, "colour": "pink", "width": 4},
        {"page": 1, "points": LINE, "colour": "red", "width": 99},
        {"page": 4, "points": LINE, "colour": "red", "width": 4},
        {"page": 1, "points": LINE, "colour": "red", "width": 4, "author": 1},
    ]:
        await refused(host, "presentation.stroke", data, "invalid", ann)
    assert await database_sync_to_async(PresentationStroke.objects.count)() == 0
    await ok(host, "presentation.stroke", {"page": 1, "points": [[0.5, 0.5]] * 2000, "colour": "red", "width": 4})
    await ok(host, "presentation.stroke", {"page": 1, "points": LINE, "colour": "black", "width": 2})
    await all_agree(host, ann, bob)
    assert len(ann.state["presentation"]["strokes"]) == 2
    await ok(host, "presentation.clear", {"page": 1})
    await all_agree(host, ann, bob)
    assert ann.state["presentation"]["strokes"] == []
    assert await database_sync_to_async(PresentationStroke.objects.count)() == 0
    await ok(host, "presentation.clear", {"page": 1})  # nothing left to clear: nothing published
    assert await ann.drain() == []


async def test_the_pointer_is_passed_on_without_a_sequence_number(webinar, deck):
    host, ann, bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await all_agree(host, ann, bob)
    seq = ann.state["seq"]
    await ok(host, "presentation.pointer", {"x": 0.25, "y": 0.75})
    for client in (ann, bob):
        frames = await client.drain()
        assert [f for f in frames if f["type"] == "presentation.pointer"] == [
            {
                "type": "presentation.pointer",
                "data": {"id": ann.state["presentation"]["id"], "page": 1, "x": 0.25, "y": 0.75},
            }
        ]
        assert client.state["seq"] == seq
    await refused(host, "presentation.pointer", {"x": 1.5, "y": 0.5}, "invalid", ann)
    await all_agree(host, ann, bob)


async def test_a_file_of_another_account_or_not_converted_is_not_shown(webinar, deck, owner, other_owner):
    host, ann, _bob = await start(webinar)
    theirs = await database_sync_to_async(make_presentable_file)(other_owner)
    waiting = await database_sync_to_async(make_library_file)(owner, name="Raw.pptx", status="waiting_for_conversion")
    empty = await database_sync_to_async(make_library_file)(owner, name="Empty.pdf", status="converted")
    await refused(host, "presentation.open", {"file_id": theirs.pk}, "not_found", ann)
    await refused(host, "presentation.open", {"file_id": waiting.pk}, "not_converted", ann)
    await refused(host, "presentation.open", {"file_id": empty.pk}, "no_pages", ann)
    files = (await ok(host, "presentation.files"))["files"]
    assert [f["id"] for f in files] == [deck.pk]
    assert await database_sync_to_async(Presentation.objects.count)() == 0


async def test_opening_another_file_closes_the_one_shown_and_close_ends_it(webinar, deck, owner):
    host, ann, bob = await start(webinar)
    other = await database_sync_to_async(make_presentable_file)(owner, name="Second.pdf", colours=[(0, 0, 0)])
    first = (await ok(host, "presentation.open", {"file_id": deck.pk}))["id"]
    second = (await ok(host, "presentation.open", {"file_id": other.pk}))["id"]
    await all_agree(host, ann, bob)
    assert ann.state["presentation"]["id"] == second and ann.state["presentation"]["page_count"] == 1
    assert (await database_sync_to_async(Presentation.objects.get)(pk=first)).closed_at is not None
    await ok(host, "presentation.close")
    await all_agree(host, ann, bob)
    assert ann.state["presentation"] is None
    await refused(host, "presentation.page", {"page": 1}, "not_found", ann)


async def test_the_lobby_sees_no_presentation_until_let_in(webinar, deck):
    host = await connect(webinar["host"])
    await ok(host, "session.set_admission", {"automatic": False})
    await ok(host, "presentation.open", {"file_id": deck.pk})  # prepared before the start
    ann = await connect(webinar["ann"])
    assert ann.state["presentation"] is None
    await ok(host, "session.start")
    await ok(host, "lobby.admit", {"participant_id": webinar["ann"].pk})
    await all_agree(host, ann)
    assert ann.state["presentation"]["page"] == 1


async def test_page_changes_are_noted_on_a_running_recording(webinar, deck):
    from rostrum.recordings.models import Recording, RecordingEvent

    host, _ann, _bob = await start(webinar)
    session = await database_sync_to_async(Session.objects.get)(pk=webinar["host"].session_id)
    await database_sync_to_async(Recording.objects.create)(
        account=webinar["room"].account, room=webinar["room"], session=session, spool_dir="unused"
    )
    presentation_id = (await ok(host, "presentation.open", {"file_id": deck.pk}))["id"]
    await ok(host, "presentation.page", {"page": 3})
    await ok(host, "presentation.close")
    entries = await database_sync_to_async(lambda: list(RecordingEvent.objects.values_list("kind", "data")))()
    assert [(kind, data.get("page")) for kind, data in entries] == [
        ("slide.shown", 1),
        ("slide.shown", 3),
        ("slide.hidden", None),
    ]
    assert entries[0][1]["presentation_id"] == presentation_id and entries[0][1]["image"]


async def test_a_pptx_converted_by_the_library_is_presented_page_by_page(webinar, owner, settings, tmp_path):
    """The library's real conversion (LibreOffice and poppler in their sandbox) makes the pages."""
    from django.test import Client

    from rostrum.library.conversion import do_convert_file
    from rostrum.library.tests.documents import pptx_bytes
    from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY

    settings.LIBRARY_CONVERSION_TMP_DIR = str(tmp_path / "work")
    pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

    def uploaded_and_converted():
        library_file = make_library_file(
            owner,
            name="Converted.pptx",
            content=pptx_bytes(3),
            mime_type=pptx,
            document_type="presentation_pptx",
            status="waiting_for_conversion",
        )
        do_convert_file(library_file.pk)
        library_file.refresh_from_db()
        return library_file

    deck = await database_sync_to_async(uploaded_and_converted)()
    assert deck.status == "converted", deck.status_message
    host, ann, bob = await start(webinar)
    presentation_id = (await ok(host, "presentation.open", {"file_id": deck.pk}))["id"]
    await ok(host, "presentation.page", {"page": 3})
    await all_agree(host, ann, bob)
    assert ann.state["presentation"]["page_count"] == 3 and ann.state["presentation"]["page"] == 3

    def fetch(number: int):
        client = Client()
        session = client.session
        session[PARTICIPANT_KEY_SESSION_KEY] = webinar["ann"].key
        session.save()
        response = client.get(f"/live/presentations/{presentation_id}/pages/{number}/")
        return response.status_code, response["Content-Type"], b"".join(response.streaming_content)[:3]

    status, content_type, head = await database_sync_to_async(fetch)(3)
    assert status == 200 and content_type.startswith("image/") and head in (b"\xff\xd8\xff", b"\x89PN")


async def test_the_snapshot_part_reads_two_queries_however_many_strokes(webinar, deck):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rostrum.engagement.live_events.presentations import presentation_part
    from rostrum.live.context import LiveContext
    from rostrum.rooms.models import Participant

    host, _ann, _bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})

    def count() -> int:
        participant = Participant.objects.select_related("session__room").get(pk=webinar["ann"].pk)
        with CaptureQueriesContext(connection) as queries:
            presentation_part(LiveContext(participant=participant, session=participant.session))
        return len(queries)

    before = await database_sync_to_async(count)()
    for _ in range(5):
        await ok(host, "presentation.stroke", {"page": 1, "points": LINE, "colour": "red", "width": 4})
    assert await database_sync_to_async(count)() == before == 2
