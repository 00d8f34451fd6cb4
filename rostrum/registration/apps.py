from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "rostrum.registration"
    label = "registration"

    def ready(self) -> None:
        from rostrum.registration import privacy  # noqa: F401
