from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "rostrum.billing"
    label = "billing"
