from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "rostrum.contacts"
    label = "contacts"

    def ready(self) -> None:
        from rostrum.contacts import privacy  # noqa: F401  (registers exporters and erasers)
