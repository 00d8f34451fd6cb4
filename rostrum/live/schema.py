"""The client frames' JSON Schemas, exported for the browser client.

``manage.py export_live_schema`` writes them to ``rostrum/static/rostrum/live/protocol.json``; a test
fails when the file and the code drift apart.
"""

import json
from pathlib import Path

from django.conf import settings

from rostrum.live.registry import HANDLERS, REDUCERS

SCHEMA_PATH = Path(settings.BASE_DIR) / "rostrum" / "static" / "rostrum" / "live" / "protocol.json"


def build_protocol_schema() -> dict:
    return {
        "client_frames": {name: HANDLERS[name].schema.model_json_schema() for name in sorted(HANDLERS)},
        "server_events": sorted(REDUCERS),
    }


def render_protocol_schema() -> str:
    return json.dumps(build_protocol_schema(), indent=2, sort_keys=True) + "\n"
