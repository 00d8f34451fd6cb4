from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rostrum.notifications"
    label = "notifications"

    def ready(self) -> None:
        from rostrum.notifications import privacy  # noqa: F401
