"""The pointer is limited per participant on the server: past 30 a second, frames are refused, not sent on."""

import pytest
from channels.db import database_sync_to_async

from rostrum.live import ratelimit
from rostrum.live.ratelimit import FrameRateLimiter, Rate
from rostrum.live.tests.test_presentations import all_agree, deck, ok, start  # noqa: F401  (deck: fixture)
from rostrum.rooms.models import Session

SOCKET = (pytest.mark.asyncio, pytest.mark.django_db(transaction=True))


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratelimit, "_limiter", FrameRateLimiter(clock=clock))
    return clock


async def burst(client, count: int) -> list[dict]:
    """Send ``count`` pointer frames without waiting, then read one reply for each."""
    refs = [await client.send("presentation.pointer", {"x": 0.5, "y": i / count}) for i in range(count)]
    replies = {}
    while len(replies) < len(refs):
        frame = await client.receive(timeout=15)  # a loaded machine may take a while for forty
        if frame["type"] in ("ack", "error"):
            replies[frame["ref"]] = frame
        else:
            client.absorb(frame)
    return [replies[ref] for ref in refs]


def pointers(frames: list[dict]) -> list[dict]:
    return [frame for frame in frames if frame["type"] == "presentation.pointer"]


async def last_seq(client) -> int:
    return await database_sync_to_async(lambda: Session.objects.get(pk=client.participant.session_id).last_seq)()


@SOCKET[0]
@SOCKET[1]
async def test_pointer_frames_past_thirty_a_second_are_refused_and_not_passed_on(webinar, deck, clock):  # noqa: F811
    host, ann, bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    await all_agree(host, ann, bob)
    seq = await last_seq(host)

    replies = await burst(host, 40)
    assert [reply["type"] for reply in replies] == ["ack"] * 30 + ["error"] * 10
    assert {reply["code"] for reply in replies[30:]} == {"rate_limited"}
    assert "at most 30 a second" in replies[-1]["message"]
    assert len(pointers(await ann.drain())) == 30 and len(pointers(await bob.drain())) == 30
    assert await last_seq(host) == seq  # neither the passed nor the refused ones are numbered

    clock.now += 0.5  # half a second refills fifteen
    replies = await burst(host, 20)
    assert [reply["type"] for reply in replies] == ["ack"] * 15 + ["error"] * 5
    assert len(pointers(await ann.drain())) == 15

    await ok(host, "presentation.page", {"page": 2})  # other frames are not limited by the pointer's
    await all_agree(host, ann, bob)


@SOCKET[0]
@SOCKET[1]
async def test_the_limit_is_per_participant(webinar, deck, clock):  # noqa: F811
    host, ann, _bob = await start(webinar)
    await ok(host, "presentation.open", {"file_id": deck.pk})
    assert [reply["type"] for reply in await burst(host, 31)][-1] == "error"
    # Ann's bucket is her own: her frame reaches the handler, which refuses an attendee's pointer.
    assert (await ann.request("presentation.pointer", {"x": 0.1, "y": 0.1}))["code"] == "not_allowed"
    assert (await host.request("presentation.pointer", {"x": 0.1, "y": 0.1}))["code"] == "rate_limited"


def test_a_bucket_refills_to_its_size_and_idle_buckets_are_forgotten():
    clock = Clock()
    limiter = FrameRateLimiter(clock=clock)
    rate = Rate(count=3, seconds=1.0)
    assert [limiter.allow(1, "p", rate) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow(2, "p", rate)  # someone else's bucket is full
    clock.now += 60  # a long pause refills to the size, no more
    assert [limiter.allow(1, "p", rate) for _ in range(4)] == [True, True, True, False]
    for participant_id in range(ratelimit.PRUNE_ABOVE + 1):
        limiter.allow(participant_id + 10, "p", rate)
    clock.now += 2
    limiter.allow(0, "p", rate)
    assert len(limiter.buckets) < 100  # only the ones used within the window are kept
