"""Run one Janus node: its generated configuration, the process, and waiting until it answers."""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from websockets.asyncio.client import connect

from rostrum.media.janus_config import janus_lib_dir, janus_settings, write_config

START_SECONDS = 20


async def answers(url: str, api_secret: str) -> bool:
    """Whether Janus at ``url`` answers an ``info`` request."""
    try:
        async with connect(url, subprotocols=["janus-protocol"], open_timeout=2) as ws:
            await ws.send(json.dumps({"janus": "info", "transaction": "up", "apisecret": api_secret}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), 2))
            return reply.get("janus") == "server_info"
    except (OSError, TimeoutError, ValueError, Exception):
        return False


class JanusProcess:
    """``janus`` in the foreground with a private configuration folder (``folder``)."""

    def __init__(self, folder: Path, api_secret: str, port: int = 8188):
        self.folder = Path(folder)
        self.api_secret = api_secret
        self.port = port
        # Loopback, or the node's private address when it is one of several (ROSTRUM_JANUS_API_ADDRESS).
        self.url = f"ws://{os.environ.get('ROSTRUM_JANUS_API_ADDRESS', '127.0.0.1')}:{port}"
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / "janus.log"

    def command(self) -> list[str]:
        binary = shutil.which("janus") or "/usr/bin/janus"
        conf = write_config(janus_settings(self.api_secret, self.port), self.folder / "conf")
        plugins = janus_lib_dir() / "plugins"
        return [
            binary,
            "-F",
            str(conf),
            "-C",
            str(conf / "janus.jcfg"),
            "-P",
            str(plugins),
            "-o",
            "-N",
            "-L",
            str(self.log_path),
        ]

    def start(self) -> "JanusProcess":
        self.folder.mkdir(parents=True, exist_ok=True)
        command = self.command()
        # stdout to a file, never a pipe: a pipe nobody reads would block Janus once full.
        with (self.folder / "janus.stdout").open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)  # noqa: S603
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not asyncio.run(answers(self.url, self.api_secret)):
            if self.process.poll() is not None:
                raise RuntimeError(f"janus exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"janus did not answer on {self.url}:\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, size: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-size:] if self.log_path.exists() else "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
