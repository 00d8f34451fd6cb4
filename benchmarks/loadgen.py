"""The load generator: one scenario against a running server, its figures as JSON on stdout.

    python benchmarks/loadgen.py fanout --tokens room.json --port 8765 --server-pid 1234

Scenarios (each one run; ``run.py`` repeats them and takes medians):

- ``fanout``  P1: a room of ``--members`` sockets (the host and attendees); ``--messages`` chat
  messages posted at ``--rate`` per second; deliveries per server CPU-second.
- ``latency`` P2: the same room, ``--rate`` messages a second for ``--seconds``; the latency from
  sending ``chat.post`` to each client receiving ``chat.posted``.
- ``storm``   P4: ``--members`` attendees connect at once; time until every one has its snapshot.
- ``memory``  server memory per idle connection with ``--members`` connections open.

Messages are posted by attendees of the room (ordinary ``chat.post`` frames), each within the chat's
rate limit (5 in 10 s per participant, the host included): ``--publishers`` of them take turns.
Sender and receivers live in this one process, so latencies use one clock (``perf_counter``).
"""

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cpu_seconds, cpu_split, machine_seconds, percentile, raise_open_files, rss_kib
from wsclient import open_client

HOST = "127.0.0.1"
MARK = "bench#"
SEQ = re.compile(r'"seq":(\d+)')


class Tally:
    """What the clients received: chat deliveries per message, their arrival times, sequence gaps."""

    def __init__(self):
        self.sent: dict[int, float] = {}
        self.arrivals: dict[int, list[float]] = {}
        self.deliveries = 0
        self.gaps = 0
        self.presence = 0
        self.errors = 0
        self.last_seq: dict[int, int] = {}

    def on_text(self, client, text: str, arrived: float) -> None:
        head = text[:40]
        if head.startswith('{"type":"presence"'):
            self.presence += 1
            return
        if head.startswith('{"type":"error"'):
            self.errors += 1
            return
        found = SEQ.search(text, 0, 60)
        if found is None:
            return
        seq = int(found.group(1))
        previous = self.last_seq.get(id(client))
        if previous is not None and seq != previous + 1:
            self.gaps += 1
        self.last_seq[id(client)] = seq
        if head.startswith('{"type":"chat.posted"'):
            mark = text.find(MARK)
            if mark >= 0:
                number = int(text[mark + len(MARK) : text.index("@", mark)])
                self.deliveries += 1
                self.arrivals.setdefault(number, []).append(arrived)


async def connect_all(tokens: list[str], port: int, on_text=None, concurrency: int = 100, timeout: float = 120):
    """Connect every token, at most ``concurrency`` handshakes in flight; wait for every snapshot."""
    gate = asyncio.Semaphore(concurrency)
    failures: list[str] = []

    async def one(token):
        async with gate:
            try:
                client = await asyncio.wait_for(open_client(HOST, port, token, on_text), timeout)
                await asyncio.wait_for(client.snapshot, timeout)
                return client
            except Exception as error:  # counted, and reported
                failures.append(repr(error))
                return None

    clients = await asyncio.gather(*(one(t) for t in tokens))
    return [c for c in clients if c is not None], failures


async def close_all(clients) -> None:
    for client in clients:
        client.close()
    await asyncio.wait([c.closed for c in clients], timeout=10) if clients else None


async def publish(publishers, count: int, rate: float, tally: Tally) -> list:
    """Post ``count`` chat messages at ``rate`` per second, publishers taking turns; the replies."""
    replies = []
    start = time.perf_counter()
    for number in range(count):
        due = start + number / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        publisher = publishers[number % len(publishers)]
        tally.sent[number] = time.perf_counter()
        replies.append(publisher.send("chat.post", {"text": f"{MARK}{number}@{time.time():.6f} load test"}))
    return replies


async def wait_until(condition, timeout: float, step: float = 0.02) -> bool:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def room_with_messages(args, tally: Tally):
    """Connect the room (host + attendees), let presence settle, then post the messages."""
    room = json.loads(Path(args.tokens).read_text())
    tokens = [room["host"], *room["attendees"][: args.members - 1]]
    clients, failures = await connect_all(tokens, args.port, tally.on_text)
    await asyncio.sleep(args.settle)  # presence frames of the joins are sent, then the room is quiet
    publishers = clients[1 : 1 + args.publishers]
    tally.presence = 0
    print("measuring", file=sys.stderr, flush=True)  # a profiler attached by hand may start now
    split_before, (busy_before, stolen_before) = cpu_split(args.server_pid), machine_seconds()
    cpu_before, wall_before, own_before = cpu_seconds(args.server_pid), time.perf_counter(), time.process_time()
    replies = await publish(publishers, args.messages, args.rate, tally)
    expected = len(clients) * args.messages
    complete = await wait_until(lambda: tally.deliveries >= expected, timeout=30)
    cpu_after, wall_after, own_after = cpu_seconds(args.server_pid), time.perf_counter(), time.process_time()
    split_after, (busy_after, stolen_after) = cpu_split(args.server_pid), machine_seconds()
    wall = wall_after - wall_before
    others = (busy_after - busy_before) - (cpu_after - cpu_before) - (own_after - own_before)
    done = [r for r in replies if r.done()]
    refused = [r.result() for r in done if r.result()["type"] == "error"]
    acks = [(r.result()["arrived"] - tally.sent[n]) * 1000 for n, r in enumerate(replies) if r.done()]
    await close_all(clients)
    return {
        "members": len(clients),
        "connect_failures": len(failures),
        "messages": args.messages,
        "rate": args.rate,
        "publishers": len(publishers),
        "acked": len(done) - len(refused),
        "refused": sorted({r["code"] for r in refused}),
        "deliveries": tally.deliveries,
        "expected": expected,
        "complete": complete,
        "sequence_gaps": tally.gaps,
        "ack_p50_ms": round(percentile(acks, 0.5), 2),
        "ack_p99_ms": round(percentile(acks, 0.99), 2),
        "presence_frames_during": tally.presence,
        "wall_seconds": round(wall_after - wall_before, 3),
        "server_cpu_seconds": round(cpu_after - cpu_before, 3),
        "server_loop_thread_cpu_seconds": round(split_after[0] - split_before[0], 3),
        "server_other_threads_cpu_seconds": round(split_after[1] - split_before[1], 3),
        "loadgen_cpu_share": round((own_after - own_before) / wall, 3),
        # CPU the rest of the machine used meanwhile (the database, Redis, the kernel, anything else)
        "background_cpu_share": round(max(0.0, others) / wall, 3),
        "stolen_cpu_share": round((stolen_after - stolen_before) / wall, 3),  # by the hypervisor
    }


async def fanout(args) -> dict:
    tally = Tally()
    result = await room_with_messages(args, tally)
    cpu = result["server_cpu_seconds"]
    result["deliveries_per_cpu_second"] = round(result["deliveries"] / cpu) if cpu else None
    loop_cpu = result["server_loop_thread_cpu_seconds"]
    result["deliveries_per_loop_thread_cpu_second"] = round(result["deliveries"] / loop_cpu) if loop_cpu else None
    database_cpu = result["server_other_threads_cpu_seconds"]
    result["database_thread_ms_per_message"] = round(1000 * database_cpu / args.messages, 2)
    return result


async def latency(args) -> dict:
    args.messages = round(args.rate * args.seconds)
    tally = Tally()
    result = await room_with_messages(args, tally)
    members = result["members"]
    every, last = [], []
    for number, sent in tally.sent.items():
        arrivals = tally.arrivals.get(number, [])
        every.extend((a - sent) * 1000 for a in arrivals)
        if len(arrivals) == members:
            last.append((max(arrivals) - sent) * 1000)
    result.update(
        {
            "received_fraction": round(tally.deliveries / result["expected"], 6),
            "all_p50_ms": round(percentile(every, 0.50), 2),
            "all_p99_ms": round(percentile(every, 0.99), 2),
            "last_client_p50_ms": round(percentile(last, 0.50), 2),
            "last_client_p99_ms": round(percentile(last, 0.99), 2),
            "messages_reaching_everyone": len(last),
        }
    )
    return result


async def storm(args) -> dict:
    room = json.loads(Path(args.tokens).read_text())
    tokens = room["attendees"][: args.members]
    print("measuring", file=sys.stderr, flush=True)
    cpu_before = cpu_seconds(args.server_pid)
    start = time.perf_counter()

    async def one(token):
        client = await asyncio.wait_for(open_client(HOST, args.port, token), 60)
        arrived = await asyncio.wait_for(client.snapshot, 60)
        return client, arrived - start

    outcomes = await asyncio.gather(*(one(t) for t in tokens), return_exceptions=True)
    cpu_after = cpu_seconds(args.server_pid)
    good = [o for o in outcomes if not isinstance(o, BaseException)]
    bad = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    times = [t for _c, t in good]
    await close_all([c for c, _t in good])
    return {
        "members": len(tokens),
        "with_snapshot": len(good),
        "failures": len(bad),
        "failure_kinds": sorted(set(bad))[:5],
        "all_snapshots_seconds": round(max(times), 3) if times else None,
        "p50_seconds": round(percentile(times, 0.5), 3),
        "p99_seconds": round(percentile(times, 0.99), 3),
        "server_cpu_seconds": round(cpu_after - cpu_before, 3),
        "server_cpu_ms_per_join": round(1000 * (cpu_after - cpu_before) / len(tokens), 2),
    }


async def memory(args) -> dict:
    room = json.loads(Path(args.tokens).read_text())
    warm, tokens = room["attendees"][:20], room["attendees"][20 : 20 + args.members]
    warmed, _ = await connect_all(warm, args.port)  # code paths loaded, caches filled
    await asyncio.sleep(args.settle)
    await close_all(warmed)
    await asyncio.sleep(args.settle)
    before = rss_kib(args.server_pid)
    clients, failures = await connect_all(tokens, args.port, concurrency=200)
    await asyncio.sleep(args.settle + 3)  # presence settles; nothing else happens: the sockets are idle
    after = rss_kib(args.server_pid)
    await close_all(clients)
    return {
        "connections": len(clients),
        "connect_failures": len(failures),
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_connection": round((after - before) / max(1, len(clients)), 2),
    }


SCENARIOS = {"fanout": fanout, "latency": latency, "storm": storm, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--publishers", type=int, default=100)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    raise_open_files()
    try:
        import uvloop  # uvicorn runs the server on it too, when installed

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    result = runner(SCENARIOS[args.scenario](args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
