from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "rostrum.media"
    label = "media"

    def ready(self) -> None:
        from rostrum.media import privacy  # noqa: F401
