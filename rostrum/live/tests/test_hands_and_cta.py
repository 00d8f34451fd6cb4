"""Raised hands and calls to action over the live protocol: snapshots agree, refusals change nothing."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rostrum.engagement.actions.cta import check_show_cta
from rostrum.engagement.live_events.cta import cta_part
from rostrum.engagement.live_events.hands import hands_part
from rostrum.engagement.models import CallToAction, CallToActionClick
from rostrum.live.context import LiveContext
from rostrum.live.errors import LiveError
from rostrum.live.tests.conftest import connect, fresh_snapshot, join
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

BUTTON = {"text": "Get the slides", "url": "https://example.com/slides?from=webinar", "seconds": 120}


async def refresh(participant):
    return await database_sync_to_async(Participant.objects.get)(pk=participant.pk)


async def start(webinar):
    host = await connect(webinar["host"])
    await host.request("session.start")
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


async def all_agree(*clients):
    """Each client's snapshot plus the events it received is what a fresh snapshot says."""
    for client in clients:
        await client.drain()
        assert client.state == await fresh_snapshot(client.participant), client.participant.display_name


async def ok(client, frame_type, data=None) -> dict:
    reply = await client.request(frame_type, data)
    assert reply["type"] == "ack", reply
    return reply["data"]


def ids(*participants):
    return [p.pk for p in participants]


async def test_organisers_see_the_queue_oldest_first_and_attendees_only_their_own_hand(webinar):
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    await ok(bob, "hand.raise")
    await all_agree(host, ann, bob)
    assert [hand["id"] for hand in host.state["hands"]] == ids(webinar["ann"], webinar["bob"])
    assert host.state["hands"][0]["name"] == "Ann Attendee"
    assert ann.state["hands"] == [] and ann.state["my_hand"] == {"raised": True}
    assert host.state["my_hand"] == {"raised": False}

    # Raising again keeps Ann's place and publishes nothing.
    raised_at = (await refresh(webinar["ann"])).hand_raised_at
    await ok(ann, "hand.raise")
    assert (await refresh(webinar["ann"])).hand_raised_at == raised_at
    assert await host.drain() == []

    await ok(ann, "hand.lower")
    await all_agree(host, ann, bob)
    assert [hand["id"] for hand in host.state["hands"]] == ids(webinar["bob"])
    assert ann.state["my_hand"] == {"raised": False}
    await ok(ann, "hand.raise")  # back at the end of the queue
    await all_agree(host, ann, bob)
    assert [hand["id"] for hand in host.state["hands"]] == ids(webinar["bob"], webinar["ann"])


async def test_hand_events_reach_the_organisers_and_that_participant_only(webinar):
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    frames = await bob.drain()
    assert [frame["type"] for frame in frames] == ["tick"]
    await all_agree(host, ann)


async def test_organisers_lower_one_hand_or_clear_them_all(webinar):
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    await ok(bob, "hand.raise")
    await ok(host, "hand.lower_for", {"participant_id": webinar["bob"].pk})
    await all_agree(host, ann, bob)
    assert [hand["id"] for hand in host.state["hands"]] == ids(webinar["ann"])
    assert bob.state["my_hand"] == {"raised": False} and ann.state["my_hand"] == {"raised": True}

    await ok(host, "hand.lower_for", {"participant_id": webinar["bob"].pk})  # down already: nothing happens
    assert await host.drain() == []

    await ok(bob, "hand.raise")
    await ok(host, "hand.clear_all")
    await all_agree(host, ann, bob)
    assert host.state["hands"] == []
    assert ann.state["my_hand"] == bob.state["my_hand"] == {"raised": False}
    hands_up = Participant.objects.exclude(hand_raised_at=None).count
    assert await database_sync_to_async(hands_up)() == 0


async def test_a_promoted_attendee_sees_the_queue(webinar):
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    await ok(host, "participant.set_role", {"participant_id": webinar["ann"].pk, "role": "presenter"})
    await ann.drain()
    ann.participant = await refresh(webinar["ann"])  # the client now reduces as an organiser
    await ok(bob, "hand.raise")
    await all_agree(host, ann, bob)
    assert [hand["id"] for hand in ann.state["hands"]] == ids(webinar["ann"], webinar["bob"])


async def test_people_in_the_lobby_cannot_raise_a_hand_or_click(webinar):
    host = await connect(webinar["host"])
    await ok(host, "session.set_admission", {"automatic": False})
    await ok(host, "session.start")
    cta_id = (await ok(host, "cta.show", BUTTON))["id"]
    ann = await connect(webinar["ann"])
    assert ann.state["cta"] is None  # the lobby does not see the room's button
    assert (await ann.request("hand.raise"))["code"] == "not_admitted"
    assert (await ann.request("cta.click", {"cta_id": cta_id}))["code"] == "not_admitted"
    await ok(host, "lobby.admit", {"participant_id": webinar["ann"].pk})
    await all_agree(host, ann)
    assert ann.state["cta"]["id"] == cta_id


async def test_hands_and_buttons_stop_when_the_session_ends(webinar):
    host, ann, _bob = await start(webinar)
    await ok(host, "session.end")
    assert (await ann.request("hand.raise"))["code"] == "session_ended"
    assert (await host.request("cta.show", BUTTON))["code"] == "session_ended"
    assert await database_sync_to_async(CallToAction.objects.count)() == 0


async def test_call_to_action_is_shown_clicked_once_per_person_and_hidden(webinar):
    host, ann, bob = await start(webinar)
    cta_id = (await ok(host, "cta.show", BUTTON))["id"]
    await all_agree(host, ann, bob)
    assert ann.state["cta"] == {
        "id": cta_id,
        "text": "Get the slides",
        "url": "https://example.com/slides?from=webinar",
        "hides_at": ann.state["cta"]["hides_at"],
    }
    assert host.state["cta"]["clicks"] == 0

    await ok(ann, "cta.click", {"cta_id": cta_id})
    await ok(ann, "cta.click", {"cta_id": cta_id})  # acknowledged, not counted twice
    await ok(bob, "cta.click", {"cta_id": cta_id})
    await all_agree(host, ann, bob)
    assert host.state["cta"]["clicks"] == 2
    assert "clicks" not in ann.state["cta"]
    assert await database_sync_to_async(CallToActionClick.objects.count)() == 2

    await ok(host, "cta.hide")
    await all_agree(host, ann, bob)
    assert ann.state["cta"] is None and host.state["cta"] is None
    assert (await bob.request("cta.click", {"cta_id": cta_id}))["code"] == "not_found"
    await ok(host, "cta.hide")  # nothing shown: nothing happens
    assert await ann.drain() == []


async def test_showing_a_new_call_to_action_replaces_the_current_one(webinar):
    host, ann, bob = await start(webinar)
    first = (await ok(host, "cta.show", BUTTON))["id"]
    await ok(ann, "cta.click", {"cta_id": first})
    second = (await ok(host, "cta.show", {**BUTTON, "text": "Book a demo", "seconds": 3600}))["id"]
    await all_agree(host, ann, bob)
    assert ann.state["cta"]["id"] == second and host.state["cta"]["clicks"] == 0
    hidden_at = await database_sync_to_async(lambda: CallToAction.objects.get(pk=first).hidden_at)()
    assert hidden_at is not None
    assert (await ann.request("cta.click", {"cta_id": first}))["code"] == "not_found"


async def test_a_call_to_action_past_its_time_leaves_the_snapshot_and_takes_no_clicks(webinar):
    host, ann, bob = await start(webinar)
    cta_id = (await ok(host, "cta.show", {**BUTTON, "seconds": 10}))["id"]
    await all_agree(host, ann, bob)
    past = timezone.now() - timedelta(seconds=1)
    await database_sync_to_async(CallToAction.objects.filter(pk=cta_id).update)(hides_at=past)
    assert (await fresh_snapshot(webinar["ann"]))["cta"] is None
    # No event says so: the browser hides it by its own clock, at the hides_at it was given.
    assert ann.state["cta"]["id"] == cta_id
    assert (await ann.request("cta.click", {"cta_id": cta_id}))["code"] == "not_found"
    await ok(host, "cta.hide")
    assert await database_sync_to_async(CallToActionClick.objects.count)() == 0
    assert await bob.drain() == []
    reconnected = await connect(webinar["bob"])
    assert reconnected.state["cta"] is None


@pytest.mark.parametrize(
    ("frame_type", "data", "code"),
    [
        ("hand.lower_for", {"participant_id": "ANN"}, "not_allowed"),
        ("hand.clear_all", {}, "not_allowed"),
        ("cta.show", BUTTON, "not_allowed"),
        ("cta.hide", {}, "not_allowed"),
        ("cta.click", {"cta_id": 999999}, "not_found"),
        ("cta.click", {"cta_id": 1, "count": 5}, "invalid"),
        ("hand.raise", {"participant_id": 1}, "invalid"),  # only your own hand
    ],
)
async def test_attendee_frames_beyond_their_role_are_refused_and_change_nothing(webinar, frame_type, data, code):
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    await ok(host, "cta.show", BUTTON)
    for client in (host, ann, bob):
        await client.drain()
    before = [await fresh_snapshot(webinar[name]) for name in ("host", "ann", "bob")]
    if data.get("participant_id") == "ANN":
        data = {"participant_id": webinar["ann"].pk}
    reply = await bob.request(frame_type, data)
    assert reply["type"] == "error" and reply["code"] == code, reply
    assert [await fresh_snapshot(webinar[name]) for name in ("host", "ann", "bob")] == before
    for client in (host, ann, bob):
        assert await client.drain() == []  # nothing was published


@pytest.mark.parametrize(
    "change",
    [
        {"url": "javascript:alert(document.cookie)"},
        {"url": "JavaScript://example.com/%0Aalert(1)"},
        {"url": "data:text/html,<script>alert(1)</script>"},
        {"url": "/relative/page"},
        {"url": "//example.com/no-scheme"},
        {"url": "ftp://example.com/file"},
        {"url": "https://"},
        {"url": "https://exa mple.com/"},
        {"url": "https://example.com/" + "x" * 500},
        {"text": ""},
        {"text": "   "},
        {"text": "x" * 121},
        {"seconds": 9},
        {"seconds": 3601},
        {"seconds": "soon"},
        {"colour": "red"},
    ],
)
async def test_bad_calls_to_action_are_invalid_and_change_nothing(webinar, change):
    host, ann, _bob = await start(webinar)
    reply = await host.request("cta.show", {**BUTTON, **change})
    assert reply["type"] == "error" and reply["code"] == "invalid", reply
    assert await database_sync_to_async(CallToAction.objects.count)() == 0
    assert await ann.drain() == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/relative", "mailto:a@example.com"])
async def test_the_action_checks_the_link_again_without_the_frame_schema(webinar, url):
    """Scripts and other callers skip the pydantic schema; the action still refuses a bad link."""

    def show():
        host = Participant.objects.select_related("session__room").get(pk=webinar["host"].pk)
        check_show_cta(LiveContext(participant=host, session=host.session), "Click", url, 60)

    with pytest.raises(LiveError) as refused:
        await database_sync_to_async(show)()
    assert refused.value.code == "invalid"
    assert await database_sync_to_async(CallToAction.objects.count)() == 0


async def test_another_rooms_host_cannot_reach_our_hands_or_buttons(webinar, other_owner):
    other_room = await database_sync_to_async(make_room)(other_owner, name="Elsewhere")
    stranger = await database_sync_to_async(join)(other_room, "s", "Stranger", "host")
    host, ann, bob = await start(webinar)
    await ok(ann, "hand.raise")
    cta_id = (await ok(host, "cta.show", BUTTON))["id"]
    await all_agree(host, ann, bob)
    other = await connect(stranger)
    await ok(other, "session.start")
    # The stranger hosts their own room; our ids mean nothing there.
    assert (await other.request("hand.lower_for", {"participant_id": webinar["ann"].pk}))["code"] == "not_found"
    assert (await other.request("cta.click", {"cta_id": cta_id}))["code"] == "not_found"
    await ok(other, "hand.clear_all")  # clears the stranger's own room only
    await ok(other, "cta.hide")
    assert (await refresh(webinar["ann"])).hand_raised_at is not None
    assert await database_sync_to_async(CallToActionClick.objects.count)() == 0
    for client in (host, ann, bob):
        assert await client.drain() == []
    await all_agree(host, ann, bob)
    assert host.state["cta"]["id"] == cta_id


def count_part_queries(part, participant_id: int) -> int:
    participant = Participant.objects.select_related("session__room").get(pk=participant_id)
    with CaptureQueriesContext(connection) as queries:
        part(LiveContext(participant=participant, session=participant.session))
    return len(queries)


async def test_snapshot_queries_do_not_grow_with_hands_or_clicks(webinar):
    host, ann, bob = await start(webinar)
    cta_id = (await ok(host, "cta.show", BUTTON))["id"]

    def counts():
        return [
            count_part_queries(part, p.pk) for part in (hands_part, cta_part) for p in (webinar["host"], webinar["ann"])
        ]

    before = await database_sync_to_async(counts)()
    assert before == [1, 0, 1, 1]  # attendees read their own hand from their own row
    for n in range(5):
        late = await database_sync_to_async(join)(webinar["room"], f"late-{n}", f"Late {n}")
        client = await connect(late)
        await ok(client, "hand.raise")
        await ok(client, "cta.click", {"cta_id": cta_id})
    await ok(ann, "hand.raise")
    await all_agree(host, ann, bob)
    assert len(host.state["hands"]) == 6 and host.state["cta"]["clicks"] == 5
    assert await database_sync_to_async(counts)() == before
