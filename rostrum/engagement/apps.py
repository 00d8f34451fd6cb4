from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "rostrum.engagement"
    label = "engagement"

    def ready(self) -> None:
        from rostrum.core.storage import register_files_under
        from rostrum.engagement import privacy  # noqa: F401
        from rostrum.engagement.models import chat_files_of_sessions

        register_files_under("rooms.Session", chat_files_of_sessions)
