from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "rostrum.engagement"
    label = "engagement"

    def ready(self) -> None:
        from rostrum.engagement import privacy  # noqa: F401
