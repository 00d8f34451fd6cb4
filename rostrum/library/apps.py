from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "rostrum.library"
    label = "library"

    def ready(self) -> None:
        from rostrum.core.storage import register_files_under
        from rostrum.library import privacy  # noqa: F401  (registers the exporter and eraser)
        from rostrum.library.models import library_files_of_accounts

        register_files_under("accounts.Account", library_files_of_accounts)
