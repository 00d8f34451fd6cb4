from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "rostrum.contacts"
    label = "contacts"

    def ready(self) -> None:
        from rostrum.contacts import privacy  # noqa: F401  (registers exporters and erasers)
        from rostrum.contacts.models import import_files_of_accounts
        from rostrum.core.storage import register_files_under

        register_files_under("accounts.Account", import_files_of_accounts)
