from django.apps import AppConfig


class VideoshareConfig(AppConfig):
    name = "rostrum.videoshare"
    label = "videoshare"

    def ready(self) -> None:
        # The frame handlers, the snapshot part and the reducers register themselves on import.
        from rostrum.live.protocol import video  # noqa: F401
        from rostrum.videoshare import live_events, privacy  # noqa: F401
