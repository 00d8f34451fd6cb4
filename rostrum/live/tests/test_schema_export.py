"""The browser client's copy of the frame schemas matches the server's."""

from rostrum.live.registry import HANDLERS
from rostrum.live.schema import SCHEMA_PATH, build_protocol_schema, render_protocol_schema


def test_exported_schema_is_current():
    assert SCHEMA_PATH.read_text() == render_protocol_schema(), (
        "The live protocol changed: run `.venv/bin/python manage.py export_live_schema` and commit protocol.json"
    )


def test_every_frame_refuses_unknown_fields():
    schema = build_protocol_schema()["client_frames"]
    assert set(schema) == set(HANDLERS)
    for name, frame in schema.items():
        assert frame.get("additionalProperties") is False, name
