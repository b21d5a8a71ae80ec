from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "requirements"
