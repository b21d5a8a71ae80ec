from django.apps import AppConfig


class UcmrConfig(AppConfig):
    name = "ucmr"
    verbose_name = "UCMR core"
