"""Presence: who is in the room, aggregated every few seconds and sent only when it changed."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostrum.live import presence
from rostrum.live.hub import get_hub
from rostrum.live.tests.conftest import connect, join
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.presence import present_participants
from rostrum.rooms.session_actions import do_open_attendance
from rostrum.rooms.tests.factories import make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

INTERVAL = 0.05


@pytest.fixture(autouse=True)
def _fast_presence(monkeypatch):
    monkeypatch.setattr(presence, "INTERVAL_SECONDS", INTERVAL)


async def presence_until(client, wanted, timeout: float = 3) -> dict:
    """The first presence frame ``wanted(frame)`` accepts; other frames are applied as usual."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, "no such presence frame arrived"
        frame = await client.receive(timeout=remaining)
        if frame["type"] != "presence":
            client.absorb(frame)
        elif wanted(frame):
            return frame


def names(frame) -> list[str]:
    return [p["name"] for p in frame["participants"]]


def counted(n):
    return lambda frame: frame["count"] == n


async def start(webinar):
    host = await connect(webinar["host"])
    assert (await host.request("session.start"))["type"] == "ack"
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


async def test_organisers_see_everyone_and_webinar_attendees_the_count_and_organisers(webinar):
    host, ann, bob = await start(webinar)
    everyone = await presence_until(host, counted(3))
    assert names(everyone) == ["Hanna Host", "Ann Attendee", "Bob Attendee"]  # organisers first, then arrival
    assert everyone["participants"][1] == {
        "id": webinar["ann"].pk,
        "name": "Ann Attendee",
        "role": "attendee",
        "hand_raised": False,
    }
    for attendee in (ann, bob):
        frame = await presence_until(attendee, counted(3))
        assert names(frame) == ["Hanna Host"]  # a webinar's attendees: the count and the organisers

    assert (await ann.request("hand.raise"))["type"] == "ack"
    frame = await presence_until(host, lambda f: f["participants"][1]["hand_raised"])
    assert frame["count"] == 3
    # The attendees' frame did not change (same count, same organisers): nothing new was sent to them.
    assert [f for f in await bob.drain(timeout=10 * INTERVAL) if f["type"] == "presence"] == []

    await bob.close()
    assert names(await presence_until(host, counted(2))) == ["Hanna Host", "Ann Attendee"]
    assert names(await presence_until(ann, counted(2))) == ["Hanna Host"]
    for client in (host, ann):
        await client.close()


async def test_in_a_meeting_everyone_sees_everyone(owner):
    room = await database_sync_to_async(make_room)(owner, name="Team sync", room_type="meeting")
    people = [
        await database_sync_to_async(join)(room, key, name, role)
        for key, name, role in (("h", "Host", ParticipantRole.HOST), ("a", "Ann", "attendee"), ("b", "Bob", "attendee"))
    ]
    host = await connect(people[0])
    await host.request("session.start")
    ann, bob = await connect(people[1]), await connect(people[2])
    for client in (host, ann, bob):
        assert names(await presence_until(client, counted(3))) == ["Host", "Ann", "Bob"]
    for client in (host, ann, bob):
        await client.close()


async def test_the_lobby_the_expelled_and_second_tabs_do_not_count(webinar, owner):
    host = await connect(webinar["host"])
    await host.request("session.set_admission", {"automatic": False})
    await host.request("session.start")
    ann = await connect(webinar["ann"])  # waiting in the lobby
    assert ann.state["me"]["is_admitted"] is False
    frame = await presence_until(ann, counted(1))
    assert names(frame) == ["Hanna Host"]  # the lobby gets the count and the organisers
    await host.request("lobby.admit", {"participant_id": webinar["ann"].pk})
    await presence_until(host, counted(2))
    ann_again = await connect(webinar["ann"])  # a second tab: the same person
    bob = await connect(webinar["bob"])
    await host.request("lobby.admit", {"participant_id": webinar["bob"].pk})
    assert names(await presence_until(host, counted(3))) == ["Hanna Host", "Ann Attendee", "Bob Attendee"]
    assert (await host.request("participant.expel", {"participant_id": webinar["bob"].pk}))["type"] == "ack"
    assert names(await presence_until(host, counted(2))) == ["Hanna Host", "Ann Attendee"]
    await ann.close()  # the other tab is still open
    await ann_again.drain(timeout=10 * INTERVAL)
    assert ann_again.state["me"]["is_admitted"] is True
    assert [f for f in await host.drain(timeout=10 * INTERVAL) if f["type"] == "presence"] == []
    for client in (host, ann_again, bob):
        await client.close()


async def test_a_newcomer_gets_the_latest_presence_and_a_quiet_room_gets_nothing(webinar):
    host, ann, _bob = await start(webinar)
    await presence_until(host, counted(3))
    assert [f for f in await host.drain(timeout=10 * INTERVAL) if f["type"] == "presence"] == []
    second_tab = await connect(webinar["host"])  # nobody new is present, yet this tab is told
    assert names(await presence_until(second_tab, counted(3))) == ["Hanna Host", "Ann Attendee", "Bob Attendee"]
    for client in (host, ann, _bob, second_tab):
        await client.close()


async def test_the_loop_runs_while_the_session_has_connections_here(webinar):
    host = await connect(webinar["host"])
    session_id = webinar["host"].session_id
    loop = get_hub().sessions[session_id].presence
    assert loop.task is not None and not loop.task.done()
    await presence_until(host, counted(1))
    await host.close()
    assert session_id not in get_hub().sessions
    await asyncio.wait([loop.task], timeout=1)
    assert loop.task.cancelled()


async def test_the_query_is_two_queries_however_many_are_present(webinar, owner):
    def present_with(count: int):
        room = make_room(owner, name=f"Room of {count}")
        host = join(room, f"host-{count}", "Host", ParticipantRole.HOST)
        do_open_attendance(host.pk, "test")
        for n in range(count):
            participant = join(room, f"p{n}-{count}", f"Person {n}")
            participant.is_admitted = True
            participant.save(update_fields=["is_admitted"])
            do_open_attendance(participant.pk, "test")
            do_open_attendance(participant.pk, "second tab")
        with CaptureQueriesContext(connection) as queries:
            result = present_participants(host.session_id)
        return result, len(queries)

    few, few_queries = await database_sync_to_async(present_with)(2)
    many, many_queries = await database_sync_to_async(present_with)(20)
    assert (len(few.participants), len(many.participants)) == (3, 21)
    assert few_queries == many_queries == 2
    assert many.organisers == [{"id": many.participants[0]["id"], "name": "Host", "role": "host", "hand_raised": False}]
