from django.apps import AppConfig


class SgamConfig(AppConfig):
    name = "sgam"
