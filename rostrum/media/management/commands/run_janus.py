"""Run the embedded default's Janus node in the foreground until interrupted (``scripts/run`` does)."""

import signal
import time
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand

from rostrum.media.process import JanusProcess


class Command(BaseCommand):
    help = "Run a Janus media node with a generated configuration (API on 127.0.0.1 only)."

    def add_arguments(self, parser):
        default_port = urlparse(settings.MEDIA_NODES[0]).port or 8188
        parser.add_argument("--port", type=int, default=default_port)

    def handle(self, *args, port, **options):
        node = JanusProcess(settings.VAR_DIR / "janus" / str(port), settings.JANUS_API_SECRET, port)
        signal.signal(signal.SIGTERM, lambda *_: (node.stop(), exit(0)))
        node.start()
        self.stdout.write(f"Janus is answering on {node.url} (log: {node.log_path})")
        try:
            while node.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            node.stop()
        if node.process.returncode not in (0, -signal.SIGTERM, None):
            self.stderr.write(f"Janus stopped with {node.process.returncode}:\n{node.log_tail()}")
