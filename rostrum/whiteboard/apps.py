from django.apps import AppConfig


class WhiteboardConfig(AppConfig):
    name = "rostrum.whiteboard"
    label = "whiteboard"

    def ready(self) -> None:
        # The live frames, the snapshot part and the reducers register themselves with rostrum.live
        # on import, like the recordings' (rostrum/recordings/apps.py).
        from rostrum.live.protocol import whiteboard as protocol  # noqa: F401
        from rostrum.whiteboard import live_events, privacy  # noqa: F401
