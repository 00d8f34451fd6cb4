from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rostrum.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        # Registers the OpenAPI description of our authentication with drf-spectacular.
        from rostrum.api import schema  # noqa: F401
        from rostrum.api.report_pdfs import report_pdfs_naming, report_pdfs_of_sessions
        from rostrum.core.storage import register_files_under

        register_files_under("rooms.Session", report_pdfs_of_sessions)
        register_files_under("rooms.Participant", report_pdfs_naming)
