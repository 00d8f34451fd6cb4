from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rostrum.rooms"
    label = "rooms"

    def ready(self) -> None:
        from rostrum.core.storage import register_files_under
        from rostrum.rooms import privacy  # noqa: F401
        from rostrum.rooms.actions import session_files_of_accounts

        register_files_under("accounts.Account", session_files_of_accounts)
