from django.apps import AppConfig


class UcmrConfig(AppConfig):
    name = "ucmr"
    verbose_name = "UCMR core"

    def ready(self) -> None:
        from ucmr import notifications  # noqa: F401 - registers the `notify` job kind in web and worker processes
