from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "rostrum.live"
    label = "live"

    def ready(self) -> None:
        # Frame handlers, snapshot parts and reducers register themselves on import.
        from rostrum.engagement import live_events as engagement_events  # noqa: F401
        from rostrum.live import protocol  # noqa: F401
        from rostrum.media import live_events as media_events  # noqa: F401
        from rostrum.rooms import live_events as room_events  # noqa: F401
