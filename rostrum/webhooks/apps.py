from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "rostrum.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from rostrum.core.events import domain_event
        from rostrum.webhooks import privacy  # noqa: F401
        from rostrum.webhooks.actions import on_domain_event

        domain_event.connect(on_domain_event, dispatch_uid="rostrum.webhooks.on_domain_event")
