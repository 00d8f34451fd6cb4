from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rostrum.accounts"
    label = "accounts"

    def ready(self) -> None:
        from rostrum.accounts import audit_hooks, privacy  # noqa: F401  (registers hooks)
