from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "rostrum.recordings"
    label = "recordings"

    def ready(self) -> None:
        # Live frames (recording.start / recording.stop), the snapshot part and reducers register
        # themselves with rostrum.live on import, like the other topics.
        from rostrum.core.storage import register_files_under
        from rostrum.recordings import live, privacy  # noqa: F401
        from rostrum.recordings.models import recording_files_of_accounts

        register_files_under("accounts.Account", recording_files_of_accounts)
