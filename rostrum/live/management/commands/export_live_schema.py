from django.core.management.base import BaseCommand

from rostrum.live.schema import SCHEMA_PATH, render_protocol_schema


class Command(BaseCommand):
    help = "Write the live room's frame schemas for the browser client (protocol.json)."

    def handle(self, *args, **options):
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(render_protocol_schema())
        self.stdout.write(f"Wrote {SCHEMA_PATH}")
