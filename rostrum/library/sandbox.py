"""Running a conversion tool (LibreOffice, poppler, ffmpeg) on an untrusted file, boxed in.

Each run gets: a network namespace of its own (``unshare --net`` as root, ``unshare -rn`` with a
user namespace otherwise), so only a loopback that is down exists and nothing can be reached, not
even 127.0.0.1; a new session (process group) that is killed as a whole at the deadline; resource
limits set in the child before ``exec`` (address space, CPU seconds, size of any file written, no
core dumps); a minimal environment whose ``HOME`` and ``TMPDIR`` are inside the run's throw-away
working directory. ``SandboxUnavailable`` is raised, never an unsandboxed run, when namespaces cannot
be made here, unless ``LIBRARY_CONVERSION_ALLOW_UNSANDBOXED`` is set (development only).

RLIMIT_NPROC is not used: it counts every process of the worker's user, not of this run, and root
ignores it. The process-group kill and the wall-clock deadline bound what a run can start instead.
"""

import contextlib
import functools
import logging
import os
import resource
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


class SandboxUnavailable(RuntimeError):
    """The machine cannot make a network namespace: an operator has to fix it (see docs/library.md)."""


class ToolTimedOut(Exception):
    """The tool ran past the deadline and was killed with its whole process group."""


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_bytes: int
    output_bytes: int


@dataclass(frozen=True)
class ToolResult:
    returncode: int
    output: str  # stdout and stderr, the last 64 KiB (for logs and error classification)


@functools.cache
def network_isolation_prefix() -> tuple[str, ...]:
    """The command prefix that gives a child no network, checked once per process."""
    unshare = shutil.which("unshare")
    candidates = [("--net",), ("-rn",)] if os.geteuid() == 0 else [("-rn",), ("--net",)]
    for options in candidates:
        if unshare is None:
            break
        probe = [unshare, *options, "--", "true"]
        try:
            if subprocess.run(probe, capture_output=True, timeout=10, check=False).returncode == 0:  # noqa: S603
                return (unshare, *options, "--")
        except (OSError, subprocess.TimeoutExpired):
            continue
    if settings.LIBRARY_CONVERSION_ALLOW_UNSANDBOXED:
        logger.warning("Converting files WITHOUT network isolation (LIBRARY_CONVERSION_ALLOW_UNSANDBOXED).")
        return ()
    raise SandboxUnavailable(
        "File conversion needs `unshare` (util-linux) and permission to create a network namespace "
        "(run the worker as root, or enable unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1). "
        "Refusing to convert untrusted files with network access."
    )


def _limit_child(limits: Limits) -> Callable[[], None]:
    # CPU seconds of all threads: the wall clock is the real limit; this one stops a runaway that
    # escaped it (every core busy for the whole time is the most an honest run can use).
    cpu = int(limits.seconds * (os.cpu_count() or 1)) + 5

    def apply() -> None:  # runs in the child between fork and exec: no logging, no locks
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


@contextmanager
def working_directory():
    """A fresh private directory for one conversion (``home``, ``tmp`` inside); always removed."""
    base = settings.LIBRARY_CONVERSION_TMP_DIR or None
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="rostrum-conversion-", dir=base))
    try:
        for name in ("home", "tmp", "in", "out"):
            (path / name).mkdir(mode=0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_abandoned_working_directories(older_than_seconds: float) -> int:
    """Remove working directories a killed worker left behind (its ``finally`` never ran)."""
    base = Path(settings.LIBRARY_CONVERSION_TMP_DIR or tempfile.gettempdir())
    cutoff, removed = time.time() - older_than_seconds, 0
    for path in base.glob("rostrum-conversion-*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    return removed


def run_tool(
    command: Sequence[str],
    *,
    workdir: Path,
    limits: Limits,
    deadline: float,
    on_line: Callable[[str], None] | None = None,
) -> ToolResult:
    """Run ``command`` boxed in; ``deadline`` is a ``time.monotonic()`` value for the whole conversion.

    ``on_line`` sees each line of standard output as it comes (ffmpeg's ``-progress``). Raises
    ``ToolTimedOut`` after killing the process group when the deadline passes.
    """
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir / "home"),
        "TMPDIR": str(workdir / "tmp"),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",  # LibreOffice: no display
    }
    full_command = [*network_isolation_prefix(), *command]
    process = subprocess.Popen(  # noqa: S603 — a fixed tool and paths we made, never a shell
        full_command,
        cwd=workdir,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_limit_child(limits),
    )
    tail = bytearray()
    pending = b""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ToolTimedOut
            if not selector.select(timeout=min(remaining, 0.5)):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            tail = (tail + chunk)[-65536:]
            if on_line is not None:
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    on_line(line.decode("utf-8", "replace"))
        process.wait(timeout=max(0.1, deadline - time.monotonic()))
    except (ToolTimedOut, subprocess.TimeoutExpired):
        _kill_group(process)
        raise ToolTimedOut from None
    except BaseException:
        _kill_group(process)
        raise
    finally:
        selector.close()
        process.stdout.close()
    _kill_group(process)  # anything the tool left running in the background (soffice.bin) goes too
    return ToolResult(process.returncode, tail.decode("utf-8", "replace"))


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left of the group
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        logger.error("Conversion tool %s did not die after SIGKILL", process.pid)
