from django.apps import AppConfig


class DiagramsConfig(AppConfig):
    name = "apps.diagrams"
    label = "diagrams"
