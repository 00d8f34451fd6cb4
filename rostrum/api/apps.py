from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rostrum.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        # Registers the OpenAPI description of our authentication with drf-spectacular.
        from rostrum.api import schema  # noqa: F401
