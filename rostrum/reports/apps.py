from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Statistics, charts and exports; reads other apps' rows, stores nothing of its own."""

    name = "rostrum.reports"
    label = "reports"
