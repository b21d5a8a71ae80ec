from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "actors"
