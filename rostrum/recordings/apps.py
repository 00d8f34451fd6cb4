from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "rostrum.recordings"
    label = "recordings"

    def ready(self) -> None:
        # Live frames (recording.start / recording.stop), the snapshot part and reducers register
        # themselves with rostrum.live on import, like the other topics.
        from rostrum.recordings import live, privacy  # noqa: F401
