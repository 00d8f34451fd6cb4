from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "rostrum.privacy"
    label = "privacy"
