"""Placement of sessions' media on several SFU nodes (the database side; no Janus here): origins by
load, subscribers overflowing to edge rooms at the node capacity, nodes that are down avoided, and
two processes that agree. The relaying itself against two real Janus processes: test_janus_cascade.py.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from rostrum.live.tests.conftest import join
from rostrum.media import placement
from rostrum.media.models import MediaNodeRoom, MediaSubscription, Publication
from rostrum.rooms.tests.factories import make_room

A, B, C = "ws://10.0.0.1:8188", "ws://10.0.0.2:8188", "ws://10.0.0.3:8188"


@pytest.fixture(autouse=True)
def three_nodes(settings):
    settings.MEDIA_NODES = [A, B, C]
    settings.MEDIA_NODE_CAPACITY = 2


def a_session(owner, name="Webinar"):
    """A session with its host; ``people(n)`` adds attendees."""
    room = make_room(owner, name=name)
    host = join(room, f"{name}-host", "Host", "host")
    return host.session, host


def people(session, count):
    return [join(session.room, f"{session.pk}-{i}", f"Attendee {i}") for i in range(count)]


def subscribe(session, participants):
    return [placement.place_subscriber(session, person).room.node for person in participants]


def test_a_session_is_placed_on_the_least_loaded_node(owner):
    busy, _host = a_session(owner, "Busy")
    assert placement.origin_room(busy).node == A  # all idle: the first listed
    subscribe(busy, people(busy, 2))
    quiet, _host = a_session(owner, "Quiet")
    assert placement.origin_room(quiet).node == B  # A serves two subscribers; B and C none, B first
    third, _host = a_session(owner, "Third")
    assert placement.origin_room(third).node == C  # B holds a room already: C is less loaded
    assert placement.origin_room(busy).node == A, "a placement, once made, stays"


def test_subscribers_beyond_a_nodes_capacity_go_to_an_edge_room_on_the_next_node(owner):
    session, _host = a_session(owner)
    assert subscribe(session, people(session, 7)) == [A, A, B, B, C, C, A]
    rooms = MediaNodeRoom.objects.filter(session=session, ended_at=None)
    assert [(room.node, room.is_origin) for room in rooms] == [(A, True), (B, False), (C, False)]
    assert placement.edge_nodes(session) == (B, C)  # what the relay sends the feeds to
    # every node full: the seventh overloads the session's least-loaded room rather than being refused


def test_a_subscriber_who_leaves_frees_a_place_on_the_origin(owner):
    session, _host = a_session(owner)
    first, _second = [placement.place_subscriber(session, person) for person in people(session, 2)]
    MediaSubscription.objects.filter(pk=first.pk).update(ended_at=timezone.now())
    assert subscribe(session, people(session, 1)) == [A]
    assert placement.edge_nodes(session) == ()


def test_a_node_that_is_down_gets_no_new_rooms(owner):
    placement.mark_node_down(A)
    session, _host = a_session(owner)
    assert placement.origin_room(session).node == B
    assert subscribe(session, people(session, 4)) == [B, B, C, C]
    placement.mark_node_up(A)
    assert subscribe(session, people(session, 1)) == [A]


def test_an_origin_whose_node_went_down_before_anything_was_published_is_placed_again(owner):
    session, host = a_session(owner)
    assert placement.origin_room(session).node == A
    placement.mark_node_down(A)
    assert placement.origin_room(session).node == B
    Publication.objects.create(session=session, participant=host, kind="camera", feed_id=5)
    placement.mark_node_down(B)
    assert placement.origin_room(session).node == B, "its feeds are published there: it stays"


def test_every_node_down_still_tries_them_rather_than_refusing(owner):
    for node in (A, B, C):
        placement.mark_node_down(node)
    session, _host = a_session(owner)
    assert placement.origin_room(session).node == A


def test_an_ended_session_is_never_placed_again(owner):
    session, _host = a_session(owner)
    placed = placement.origin_room(session).node
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])
    placement.end_rooms(session)
    assert placement.origin_room(session).node == placed  # where it was, for clean-up
    never, _host = a_session(owner, name="Never live")
    never.ended_at = timezone.now()
    never.save(update_fields=["ended_at"])
    assert placement.origin_room(never).pk is None
    assert MediaNodeRoom.objects.filter(ended_at=None).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_processes_placing_the_same_session_at_once_agree(owner, monkeypatch):
    """Each thread stands for a process, with its own database connection and its own idea of which
    nodes are up: both decide before either records; the one origin per session settles it."""
    if connection.vendor != "postgresql":
        pytest.skip("a race needs concurrent transactions: run on PostgreSQL (DATABASE_URL)")
    session, _host = a_session(owner)
    both_decided = threading.Barrier(2, timeout=30)
    real_least_loaded = placement.least_loaded
    process_view = threading.local()  # the nodes this "process" believes up

    def least_loaded(candidates, loads):
        both_decided.wait()
        return real_least_loaded([node for node in candidates if node in process_view.up], loads)

    monkeypatch.setattr(placement, "least_loaded", least_loaded)
    chosen, errors = {}, []

    def process(name, up):
        process_view.up = up
        try:
            with transaction.atomic():
                chosen[name] = placement.origin_room(session).node
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=process, args=args) for args in (("first", [A, B, C]), ("second", [C]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert chosen["first"] == chosen["second"], chosen
    assert MediaNodeRoom.objects.filter(session=session, is_origin=True, ended_at=None).count() == 1
