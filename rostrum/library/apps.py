from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "rostrum.library"
    label = "library"

    def ready(self) -> None:
        from rostrum.library import privacy  # noqa: F401  (registers the exporter and eraser)
