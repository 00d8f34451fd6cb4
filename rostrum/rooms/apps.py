from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rostrum.rooms"
    label = "rooms"

    def ready(self) -> None:
        from rostrum.rooms import privacy  # noqa: F401
