"""What the benchmark scripts share: reading a process's CPU time and memory from /proc, percentiles."""

import os
import resource
import statistics

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """User + system CPU time of a process (all its threads), or of one of its threads, from /proc."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    with open(path) as stat:
        text = stat.read()
    fields = text[text.rindex(")") + 2 :].split()  # the name may hold spaces; fields after it are fixed
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15


def cpu_split(pid: int) -> tuple[float, float]:
    """(event-loop thread, all other threads) CPU seconds of a server process.

    uvicorn runs the event loop in the main thread (its id is the process id); the other threads
    are asgiref's executor, where database calls run.
    """
    total = cpu_seconds(pid)
    main = cpu_seconds(pid, pid)
    return main, total - main


def machine_seconds() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of all CPUs since boot, from /proc/stat.

    Busy: user, nice, system, irq and softirq time (the kernel may count the softirq work of
    loopback networking here rather than in the process that caused it). Stolen: time the
    hypervisor gave this virtual machine's CPUs to someone else.
    """
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS), in KiB, from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of them at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil(n * fraction), at least 1
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def raise_open_files(wanted: int = 20000) -> int:
    """Raise this process's open-file limit as far as the hard limit allows; returns the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
