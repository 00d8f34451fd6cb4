"""The live protocol for Q&A and polls: who sees what, one vote each, and refusals that change nothing."""

import contextlib
import json
import threading

import pytest
from channels.db import database_sync_to_async
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from rostrum.engagement.actions import polls
from rostrum.engagement.actions.qa import QUESTION_RATE_COUNT
from rostrum.engagement.live_events.polls import polls_part
from rostrum.engagement.live_events.qa import questions_part
from rostrum.engagement.models import Poll, PollBallot, Question
from rostrum.live.context import LiveContext
from rostrum.live.errors import LiveError
from rostrum.live.tests.conftest import connect, fresh_snapshot, join
from rostrum.rooms import session_actions
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def start(webinar):
    host = await connect(webinar["host"])
    await host.request("session.start")
    ann, bob = await connect(webinar["ann"]), await connect(webinar["bob"])
    return host, ann, bob


async def settle(*clients) -> dict:
    """Drain every client and check that what it built from events is what a new snapshot says.

    Returns each participant's events and ticks by id, to look at what reached whom (unsequenced
    frames such as presence are not events and are left out).
    """
    frames = {}
    for client in clients:
        frames[client.participant.pk] = [f for f in await client.drain() if "seq" in f]
        assert client.state == await fresh_snapshot(client.participant)
    return frames


async def close_all(*clients) -> None:
    for client in clients:
        await client.close()


def ok(reply: dict) -> dict:
    assert reply["type"] == "ack", reply
    return reply["data"]


def texts(state: dict) -> list[str]:
    return [q["text"] for q in state["questions"]]


def poll_in(state: dict, poll_id: int) -> dict | None:
    return next((p for p in state["polls"] if p["id"] == poll_id), None)


def option_ids(state: dict, poll_id: int) -> list[int]:
    return [o["id"] for o in poll_in(state, poll_id)["options"]]


async def create_poll(host, kind: str = "single", options=("Yes", "No", "Maybe"), question="Shall we?") -> int:
    data = {"question": question, "kind": kind}
    if kind != "text":
        data["options"] = list(options)
    return ok(await host.request("poll.create", data))["id"]


async def launched_poll(host, kind: str = "single", **fields) -> int:
    poll_id = await create_poll(host, kind, **fields)
    ok(await host.request("poll.launch", {"poll_id": poll_id}))
    return poll_id


# Questions


async def test_question_is_seen_by_organisers_and_its_author_until_answered_publicly(webinar):
    host, ann, bob = await start(webinar)
    reply = ok(await ann.request("qa.ask", {"text": "  Will the slides be shared?  "}))
    question_id = reply["id"]
    await settle(host, ann, bob)
    assert texts(host.state) == texts(ann.state) == ["Will the slides be shared?"]
    assert bob.state["questions"] == []
    assert ann.state["questions"][0]["state"] == "open"

    ok(await host.request("qa.answer", {"question_id": question_id, "text": "Yes, by e-mail.", "private": True}))
    await settle(host, ann, bob)
    assert ann.state["questions"][0] | {"at": None} == {
        "id": question_id,
        "author": {"id": webinar["ann"].pk, "name": "Ann Attendee", "role": "attendee"},
        "text": "Will the slides be shared?",
        "state": "answered",
        "answer": "Yes, by e-mail.",
        "answered_privately": True,
        "at": None,
    }
    assert bob.state["questions"] == []

    # A private answer may still become public, and then it reaches everyone.
    ok(await host.request("qa.answer", {"question_id": question_id, "text": "Yes, for all.", "private": False}))
    await settle(host, ann, bob)
    assert [(q["answer"], q["answered_privately"]) for q in bob.state["questions"]] == [("Yes, for all.", False)]
    await close_all(host, ann, bob)


async def test_public_answer_is_inserted_in_order_for_those_who_did_not_see_the_question(webinar):
    host, ann, bob = await start(webinar)
    first = ok(await ann.request("qa.ask", {"text": "first"}))["id"]
    ok(await bob.request("qa.ask", {"text": "second"}))
    third = ok(await ann.request("qa.ask", {"text": "third"}))["id"]
    await settle(host, ann, bob)
    assert texts(bob.state) == ["second"]
    ok(await host.request("qa.answer", {"question_id": third, "text": "three", "private": False}))
    ok(await host.request("qa.answer", {"question_id": first, "text": "one", "private": False}))
    await settle(host, ann, bob)
    assert texts(bob.state) == ["first", "second", "third"]
    assert texts(host.state) == ["first", "second", "third"]
    assert texts(ann.state) == ["first", "third"]  # Bob's is his and the organisers' until answered publicly
    await close_all(host, ann, bob)


async def test_dismissed_question_stays_only_with_organisers_and_its_author(webinar):
    host, ann, bob = await start(webinar)
    open_id = ok(await ann.request("qa.ask", {"text": "off topic"}))["id"]
    public_id = ok(await ann.request("qa.ask", {"text": "answered, then regretted"}))["id"]
    ok(await host.request("qa.answer", {"question_id": public_id, "text": "sure", "private": False}))
    await settle(host, ann, bob)
    assert texts(bob.state) == ["answered, then regretted"]

    ok(await host.request("qa.dismiss", {"question_id": open_id}))
    frames = await settle(host, ann, bob)
    assert all(f["type"] == "tick" for f in frames[webinar["bob"].pk])  # not Bob's business
    ok(await host.request("qa.dismiss", {"question_id": public_id}))
    await settle(host, ann, bob)
    assert [q["state"] for q in host.state["questions"]] == ["dismissed", "dismissed"]
    assert [q["state"] for q in ann.state["questions"]] == ["dismissed", "dismissed"]
    assert bob.state["questions"] == []  # the public one was taken back
    await close_all(host, ann, bob)


async def test_answered_or_dismissed_questions_refuse_what_no_longer_applies(webinar):
    host, ann, bob = await start(webinar)
    question_id = ok(await ann.request("qa.ask", {"text": "q"}))["id"]
    ok(await host.request("qa.answer", {"question_id": question_id, "text": "a", "private": False}))
    await settle(host, ann, bob)
    again = await host.request("qa.answer", {"question_id": question_id, "text": "b", "private": True})
    assert again["code"] == "invalid"
    ok(await host.request("qa.dismiss", {"question_id": question_id}))
    assert (await host.request("qa.dismiss", {"question_id": question_id}))["code"] == "invalid"
    frames = await settle(host, ann, bob)
    assert [f["type"] for f in frames[webinar["ann"].pk]] == ["qa.dismissed"]
    await close_all(host, ann, bob)


async def test_organisers_can_ask_and_presenters_moderate_questions(webinar):
    host, ann, bob = await start(webinar)
    ok(await host.request("participant.set_role", {"participant_id": webinar["bob"].pk, "role": "presenter"}))
    bob.participant = await database_sync_to_async(Participant.objects.get)(pk=webinar["bob"].pk)
    ann_question = ok(await ann.request("qa.ask", {"text": "for the presenter"}))["id"]
    await settle(host, ann, bob)
    assert texts(bob.state) == ["for the presenter"]  # Bob is an organiser now
    ok(await bob.request("qa.answer", {"question_id": ann_question, "text": "here you go", "private": True}))
    ok(await host.request("qa.ask", {"text": "a question from the host"}))
    await settle(host, ann, bob)
    assert texts(ann.state) == ["for the presenter"]
    assert texts(host.state) == ["for the presenter", "a question from the host"]
    await close_all(host, ann, bob)


async def test_asking_is_rate_limited_per_participant(webinar):
    _host, ann, bob = await start(webinar)
    replies = [await ann.request("qa.ask", {"text": f"question {n}"}) for n in range(QUESTION_RATE_COUNT + 1)]
    assert [r["type"] for r in replies[:-1]] == ["ack"] * QUESTION_RATE_COUNT
    assert replies[-1]["code"] == "rate_limited"
    ok(await bob.request("qa.ask", {"text": "Bob still may"}))


async def test_lobby_and_ended_sessions_take_no_questions_or_votes(webinar):
    host = await connect(webinar["host"])
    ok(await host.request("session.set_admission", {"automatic": False}))
    ok(await host.request("session.start"))
    poll_id = await launched_poll(host)
    ann = await connect(webinar["ann"])
    await host.drain()
    assert ann.state["questions"] == [] and ann.state["polls"] == []  # the lobby sees neither
    assert (await ann.request("qa.ask", {"text": "let me in"}))["code"] == "not_admitted"
    option = option_ids(host.state, poll_id)[0]
    assert (await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [option]}))["code"] == "not_admitted"
    ok(await host.request("lobby.admit", {}))
    await settle(host, ann)
    assert [p["id"] for p in ann.state["polls"]] == [poll_id]

    ok(await host.request("session.end"))
    assert (await ann.request("qa.ask", {"text": "too late"}))["code"] == "session_ended"
    assert (await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [option]}))["code"] == "session_ended"
    assert (await host.request("poll.create", {"question": "q", "kind": "text"}))["code"] == "session_ended"
    ok(await host.request("poll.close", {"poll_id": poll_id}))  # tidying up is still allowed
    await settle(host, ann)
    assert await database_sync_to_async(Question.objects.count)() == 0
    assert await database_sync_to_async(PollBallot.objects.count)() == 0
    await close_all(host, ann)


# Polls


async def test_single_choice_poll_from_draft_to_closed_and_snapshots_agree(webinar):
    host, ann, bob = await start(webinar)
    poll_id = await create_poll(host, "single", question="  Coffee or tea?  ", options=("Coffee", "Tea"))
    await settle(host, ann, bob)
    assert poll_in(host.state, poll_id) | {"options": None} == {
        "id": poll_id,
        "question": "Coffee or tea?",
        "kind": "single",
        "state": "draft",
        "options": None,
        "ballots": 0,
        "my_vote": None,
    }
    assert ann.state["polls"] == bob.state["polls"] == []  # a draft is the organisers'

    ok(await host.request("poll.launch", {"poll_id": poll_id}))
    await settle(host, ann, bob)
    coffee, tea = option_ids(ann.state, poll_id)
    assert poll_in(bob.state, poll_id)["state"] == "open"

    assert ok(await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [tea]})) == {"poll_id": poll_id}
    frames = await settle(host, ann, bob)
    assert [f["type"] for f in frames[webinar["bob"].pk]] == ["poll.results", "tick"]  # the ballot is Ann's
    assert poll_in(ann.state, poll_id)["my_vote"] == {"option_ids": [tea], "text": ""}
    assert poll_in(bob.state, poll_id)["my_vote"] is None
    assert [o["votes"] for o in poll_in(bob.state, poll_id)["options"]] == [0, 1]

    ok(await bob.request("poll.vote", {"poll_id": poll_id, "option_ids": [tea]}))
    ok(await host.request("poll.vote", {"poll_id": poll_id, "option_ids": [coffee]}))
    await settle(host, ann, bob)
    ok(await host.request("poll.close", {"poll_id": poll_id}))
    await settle(host, ann, bob)
    for client in (host, ann, bob):
        poll = poll_in(client.state, poll_id)
        assert (poll["state"], poll["ballots"]) == ("closed", 3)
        assert [(o["text"], o["votes"]) for o in poll["options"]] == [("Coffee", 1), ("Tea", 2)]
    assert poll_in(ann.state, poll_id)["my_vote"] == {"option_ids": [tea], "text": ""}
    assert (await ann.request("poll.close", {"poll_id": poll_id}))["code"] == "not_allowed"
    assert (await host.request("poll.close", {"poll_id": poll_id}))["code"] == "poll_not_open"
    assert (await host.request("poll.launch", {"poll_id": poll_id}))["code"] == "invalid"
    await close_all(host, ann, bob)


async def test_multiple_choice_poll_counts_each_chosen_option(webinar):
    host, ann, bob = await start(webinar)
    poll_id = await launched_poll(host, "multiple", options=("Python", "Go", "Rust"))
    await settle(host, ann, bob)
    python, go, rust = option_ids(ann.state, poll_id)
    ok(await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [rust, python]}))
    ok(await bob.request("poll.vote", {"poll_id": poll_id, "option_ids": [rust]}))
    await settle(host, ann, bob)
    poll = poll_in(host.state, poll_id)
    assert [o["votes"] for o in poll["options"]] == [1, 0, 2]
    assert poll["ballots"] == 2
    assert poll_in(ann.state, poll_id)["my_vote"] == {"option_ids": sorted([python, rust]), "text": ""}
    assert go
    await close_all(host, ann, bob)


async def test_free_text_answers_reach_only_the_organisers(webinar):
    host, ann, bob = await start(webinar)
    poll_id = await launched_poll(host, "text", question="What should we cover next?")
    await settle(host, ann, bob)
    assert poll_in(host.state, poll_id)["texts"] == []
    assert "texts" not in poll_in(ann.state, poll_id)

    ok(await ann.request("poll.vote", {"poll_id": poll_id, "text": "  Secret wish  "}))
    ok(await bob.request("poll.vote", {"poll_id": poll_id, "text": "Another idea"}))
    frames = await settle(host, ann, bob)
    assert poll_in(host.state, poll_id)["texts"] == ["Secret wish", "Another idea"]
    assert poll_in(host.state, poll_id)["ballots"] == poll_in(bob.state, poll_id)["ballots"] == 2
    assert poll_in(host.state, poll_id)["options"] == []
    assert poll_in(ann.state, poll_id)["my_vote"] == {"option_ids": [], "text": "Secret wish"}
    assert "texts" not in poll_in(bob.state, poll_id)
    # Not in Bob's state, and not on his wire either.
    assert "Secret wish" not in json.dumps(frames[webinar["bob"].pk])
    await close_all(host, ann, bob)


async def test_promoted_attendee_sees_drafts_and_texts(webinar):
    host, ann, bob = await start(webinar)
    draft_id = await create_poll(host)
    text_id = await launched_poll(host, "text")
    ok(await ann.request("poll.vote", {"poll_id": text_id, "text": "an idea"}))
    ok(await host.request("participant.set_role", {"participant_id": webinar["bob"].pk, "role": "presenter"}))
    bob.participant = await database_sync_to_async(Participant.objects.get)(pk=webinar["bob"].pk)
    await settle(host, ann, bob)
    assert [p["id"] for p in bob.state["polls"]] == [draft_id, text_id]
    assert poll_in(bob.state, text_id)["texts"] == ["an idea"]
    await close_all(host, ann, bob)


async def test_voting_twice_is_refused_and_counts_once(webinar):
    host, ann, bob = await start(webinar)
    poll_id = await launched_poll(host)
    await settle(host, ann, bob)
    yes, no, _maybe = option_ids(ann.state, poll_id)
    ok(await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [yes]}))
    await settle(host, ann, bob)
    again = await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [no]})
    assert again["code"] == "already_voted"
    frames = await settle(host, ann, bob)
    assert frames == {p.pk: [] for p in (webinar["host"], webinar["ann"], webinar["bob"])}  # nothing published
    assert [o["votes"] for o in poll_in(bob.state, poll_id)["options"]] == [1, 0, 0]
    assert await database_sync_to_async(PollBallot.objects.filter(poll_id=poll_id).count)() == 1
    await close_all(host, ann, bob)


async def test_voting_needs_an_open_poll(webinar):
    host, ann, bob = await start(webinar)
    draft_id = await create_poll(host)
    closed_id = await launched_poll(host)
    ok(await host.request("poll.close", {"poll_id": closed_id}))
    await settle(host, ann, bob)
    for poll_id in (draft_id, closed_id):
        option = option_ids(host.state, poll_id)[0]
        assert (await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": [option]}))["code"] == "poll_not_open"
    assert (await host.request("poll.close", {"poll_id": draft_id}))["code"] == "poll_not_open"
    frames = await settle(host, ann, bob)
    assert all(not f for f in frames.values())
    assert await database_sync_to_async(PollBallot.objects.count)() == 0
    await close_all(host, ann, bob)


async def test_options_of_another_poll_or_room_are_refused(webinar, other_owner):
    other_room = await database_sync_to_async(make_room)(other_owner, name="Elsewhere")
    stranger_p = await database_sync_to_async(join)(other_room, "s", "Stranger", "host")
    stranger = await connect(stranger_p)
    ok(await stranger.request("session.start"))
    foreign_poll = await launched_poll(stranger)
    await stranger.drain()
    foreign_option = option_ids(stranger.state, foreign_poll)[0]

    host, ann, bob = await start(webinar)
    ours = await launched_poll(host)
    other = await launched_poll(host, "multiple")
    await settle(host, ann, bob)
    our_option = option_ids(ann.state, ours)[0]
    other_option = option_ids(ann.state, other)[0]
    for poll_id, chosen in [(ours, [other_option]), (ours, [foreign_option]), (other, [other_option, foreign_option])]:
        reply = await ann.request("poll.vote", {"poll_id": poll_id, "option_ids": chosen})
        assert reply["code"] == "invalid", (chosen, reply)
    # Our attendee cannot vote in the other room's poll, nor its host in ours.
    assert (await ann.request("poll.vote", {"poll_id": foreign_poll, "option_ids": [foreign_option]}))[
        "code"
    ] == "not_found"
    assert (await stranger.request("poll.vote", {"poll_id": ours, "option_ids": [our_option]}))["code"] == "not_found"
    frames = await settle(host, ann, bob)
    assert all(not f for f in frames.values())
    assert await database_sync_to_async(PollBallot.objects.count)() == 0
    await close_all(host, ann, bob, stranger)


async def test_another_rooms_host_cannot_touch_our_questions_or_polls(webinar, other_owner):
    other_room = await database_sync_to_async(make_room)(other_owner, name="Elsewhere")
    stranger_p = await database_sync_to_async(join)(other_room, "s", "Stranger", "host")
    host, ann, bob = await start(webinar)
    question_id = ok(await ann.request("qa.ask", {"text": "ours"}))["id"]
    draft_id = await create_poll(host)
    open_id = await launched_poll(host)
    await settle(host, ann, bob)
    before = {c.participant.pk: await fresh_snapshot(c.participant) for c in (host, ann, bob)}
    other = await connect(stranger_p)
    for frame_type, data in [
        ("qa.answer", {"question_id": question_id, "text": "mine now", "private": False}),
        ("qa.dismiss", {"question_id": question_id}),
        ("poll.launch", {"poll_id": draft_id}),
        ("poll.close", {"poll_id": open_id}),
    ]:
        assert (await other.request(frame_type, data))["code"] == "not_found", frame_type
    frames = await settle(host, ann, bob)
    assert all(not f for f in frames.values())
    assert {c.participant.pk: c.state for c in (host, ann, bob)} == before
    assert other.state["questions"] == other.state["polls"] == []
    await close_all(host, ann, bob, other)


def resolve(data, ids: dict):
    """``data`` with each ``"$name"`` replaced by the id of that name."""
    if isinstance(data, dict):
        return {key: resolve(value, ids) for key, value in data.items()}
    if isinstance(data, list):
        return [resolve(value, ids) for value in data]
    if isinstance(data, str) and data.startswith("$"):
        return ids[data[1:]]
    return data


async def setup_question_and_polls(webinar):
    """Host, Ann and Bob in a live session with Bob's question, a draft, an open and a text poll."""
    host, ann, bob = await start(webinar)
    ids = {"question": ok(await bob.request("qa.ask", {"text": "Bob asks"}))["id"]}
    ids["draft"] = await create_poll(host)
    ids["single"] = await launched_poll(host, "single")
    ids["multiple"] = await launched_poll(host, "multiple")
    ids["text"] = await launched_poll(host, "text")
    await settle(host, ann, bob)
    ids["option"], ids["option2"], _ = option_ids(host.state, ids["single"])
    ids["multi1"], ids["multi2"], _ = option_ids(host.state, ids["multiple"])
    return (host, ann, bob), ids


@pytest.mark.parametrize(
    ("frame_type", "data"),
    [
        ("qa.answer", {"question_id": "$question", "text": "an answer", "private": False}),
        ("qa.dismiss", {"question_id": "$question"}),
        ("poll.create", {"question": "Mine?", "kind": "single", "options": ["a", "b"]}),
        ("poll.launch", {"poll_id": "$draft"}),
        ("poll.close", {"poll_id": "$single"}),
    ],
)
async def test_attendee_cannot_moderate_questions_or_polls(webinar, frame_type, data):
    clients, ids = await setup_question_and_polls(webinar)
    host, ann, bob = clients
    before = {c.participant.pk: await fresh_snapshot(c.participant) for c in clients}
    reply = await ann.request(frame_type, resolve(data, ids))
    assert reply["type"] == "error" and reply["code"] == "not_allowed", reply
    frames = await settle(*clients)
    assert all(not f for f in frames.values())  # nothing was published
    assert {c.participant.pk: c.state for c in clients} == before  # nothing changed
    await close_all(host, ann, bob)


MALFORMED = [
    ("qa.ask", {"text": ""}),
    ("qa.ask", {"text": "   "}),
    ("qa.ask", {"text": "x" * 1001}),
    ("qa.ask", {"text": 42}),
    ("qa.ask", {"text": "hi", "author_id": 1}),  # identity is never taken from a frame
    ("qa.answer", {"question_id": "$question", "text": "", "private": False}),
    ("qa.answer", {"question_id": "$question", "text": "x" * 2001, "private": False}),
    ("qa.answer", {"question_id": "$question", "text": "a", "private": "no"}),
    ("qa.answer", {"question_id": "$question", "text": "a"}),
    ("qa.dismiss", {"question_id": "1"}),
    ("qa.dismiss", {"question_id": True}),
    ("poll.create", {"question": "", "kind": "single", "options": ["a", "b"]}),
    ("poll.create", {"question": "x" * 301, "kind": "single", "options": ["a", "b"]}),
    ("poll.create", {"question": "q", "kind": "ranking", "options": ["a", "b"]}),
    ("poll.create", {"question": "q", "kind": "single", "options": ["a"]}),
    ("poll.create", {"question": "q", "kind": "multiple", "options": [str(n) for n in range(11)]}),
    ("poll.create", {"question": "q", "kind": "single", "options": ["a", ""]}),
    ("poll.create", {"question": "q", "kind": "single", "options": ["Same", "same"]}),
    ("poll.create", {"question": "q", "kind": "single", "options": "a,b"}),
    ("poll.create", {"question": "q", "kind": "text", "options": ["a", "b"]}),
    ("poll.create", {"question": "q", "kind": "single", "options": ["a", "b"], "state": "open"}),
    ("poll.vote", {"poll_id": "$single", "option_ids": ["$option", "$option2"]}),
    ("poll.vote", {"poll_id": "$single", "option_ids": []}),
    ("poll.vote", {"poll_id": "$single"}),
    ("poll.vote", {"poll_id": "$single", "text": "my own option"}),
    ("poll.vote", {"poll_id": "$single", "option_ids": ["$option"], "text": "and a text"}),
    ("poll.vote", {"poll_id": "$multiple", "option_ids": ["$multi1", "$multi1"]}),
    ("poll.vote", {"poll_id": "$text", "option_ids": ["$option"]}),
    ("poll.vote", {"poll_id": "$text", "text": ""}),
    ("poll.vote", {"poll_id": "$text", "text": "x" * 1001}),
    ("poll.vote", {"poll_id": "$text"}),
    ("poll.launch", {"poll_id": "$draft", "now": True}),
    ("poll.close", {}),
]
# Organisers send the organisers' frames, an attendee the rest: these refusals are about the data.
ORGANISER_FRAMES = ("qa.answer", "qa.dismiss", "poll.create", "poll.launch", "poll.close")


async def test_malformed_qa_and_poll_frames_are_invalid_and_change_nothing(webinar):
    clients, ids = await setup_question_and_polls(webinar)
    host, ann, bob = clients
    before = {c.participant.pk: await fresh_snapshot(c.participant) for c in clients}
    for frame_type, data in MALFORMED:
        sender = host if frame_type in ORGANISER_FRAMES else ann
        reply = await sender.request(frame_type, resolve(data, ids))
        assert reply["type"] == "error" and reply["code"] == "invalid", (frame_type, data, reply)
    frames = await settle(*clients)
    assert all(not f for f in frames.values())
    assert {c.participant.pk: c.state for c in clients} == before
    await close_all(host, ann, bob)


# Queries


def count_part_queries(part, participant_id: int) -> int:
    participant = Participant.objects.select_related("session__room").get(pk=participant_id)
    with CaptureQueriesContext(connection) as queries:
        part(LiveContext(participant=participant, session=participant.session))
    return len(queries)


async def test_snapshot_queries_do_not_grow_with_questions_polls_or_ballots(webinar):
    host, ann, bob = await start(webinar)

    async def add_round():
        ok(await ann.request("qa.ask", {"text": "one more question"}))
        multiple = await launched_poll(host, "multiple")
        text = await launched_poll(host, "text")
        await create_poll(host)
        await settle(host, ann, bob)
        ok(await ann.request("poll.vote", {"poll_id": multiple, "option_ids": option_ids(host.state, multiple)[:2]}))
        ok(await bob.request("poll.vote", {"poll_id": text, "text": "some text"}))

    def counts():
        return [
            count_part_queries(part, p.pk)
            for part in (questions_part, polls_part)
            for p in (webinar["host"], webinar["ann"])
        ]

    await add_round()
    first = await database_sync_to_async(counts)()
    for _ in range(3):
        await add_round()
    assert await database_sync_to_async(counts)() == first
    assert await database_sync_to_async(Poll.objects.count)() == 12
    assert first[2] <= 4  # the organiser's polls: polls, options, own ballots, free-text answers
    await settle(host, ann, bob)
    await close_all(host, ann, bob)


# Simultaneous votes (real PostgreSQL; SQLite serialises writers anyway)


def act(participant, action, *args):
    """Run an action as a frame handler does: in one transaction, with a fresh context."""
    with transaction.atomic():
        participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
        return action(LiveContext(participant=participant, session=participant.session), *args)


def vote_at_once(webinar, monkeypatch, voters: list[str]) -> tuple[list[str], list[dict]]:
    """Each of ``voters`` votes Yes in the same open poll at the same moment.

    A barrier before the counting makes every vote insert its ballot before any of them counts,
    unless the poll's lock makes them wait for each other. Returns the outcomes and the data of
    every ``poll.results``, in sequence order.
    """
    act(webinar["host"], session_actions.check_start_session)
    poll = act(webinar["host"], polls.check_create_poll, "Ready?", "single", ["Yes", "No"])
    act(webinar["host"], polls.check_launch_poll, poll.pk)
    yes = poll.options.get(position=0).pk
    barrier = threading.Barrier(len(voters))
    real_results_of, real_publish = polls.results_of, polls.publish_on_commit

    def results_when_all_have_voted(poll):
        # With the lock held, the others never arrive: after the timeout, go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return real_results_of(poll)

    published: list[tuple[int, str, dict]] = []

    def recording_publish(session, event_type, data, audience, control=None):
        seq = real_publish(session, event_type, data, audience, control)
        published.append((seq, event_type, data))
        return seq

    monkeypatch.setattr(polls, "results_of", results_when_all_have_voted)
    monkeypatch.setattr(polls, "publish_on_commit", recording_publish)
    outcomes: list[str] = []

    def vote(participant):
        try:
            act(participant, polls.check_vote, poll.pk, [yes])
            outcomes.append("voted")
        except LiveError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(webinar[name],)) for name in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes), [data for _seq, kind, data in sorted(published) if kind == "poll.results"]


def without_the_poll_lock(monkeypatch) -> None:
    def unlocked(context, poll_id):
        return Poll.objects.get(session=context.session, pk=poll_id)

    monkeypatch.setattr(polls, "access_poll_in_session", unlocked)


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@on_postgresql
async def test_the_last_results_of_simultaneous_votes_count_every_ballot(webinar, monkeypatch):
    outcomes, results = await database_sync_to_async(vote_at_once)(webinar, monkeypatch, ["ann", "bob"])
    assert outcomes == ["voted", "voted"]
    assert (results[-1]["ballots"], results[-1]["options"][0]["votes"]) == (2, 2)


@on_postgresql
async def test_control_without_the_poll_lock_the_last_results_miss_a_ballot(webinar, monkeypatch):
    without_the_poll_lock(monkeypatch)
    outcomes, results = await database_sync_to_async(vote_at_once)(webinar, monkeypatch, ["ann", "bob"])
    assert outcomes == ["voted", "voted"]
    assert [r["ballots"] for r in results] == [1, 1]  # each counted before the other committed


@on_postgresql
@pytest.mark.parametrize("locked", [True, False])
async def test_two_tabs_voting_at_once_cast_one_ballot(webinar, monkeypatch, locked):
    if not locked:
        without_the_poll_lock(monkeypatch)  # the unique constraint alone still holds
    outcomes, results = await database_sync_to_async(vote_at_once)(webinar, monkeypatch, ["ann", "ann"])
    assert outcomes == ["already_voted", "voted"]
    assert [r["ballots"] for r in results] == [1]
    assert await database_sync_to_async(PollBallot.objects.count)() == 1
