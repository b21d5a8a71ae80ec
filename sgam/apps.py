from django.apps import AppConfig


class SgamConfig(AppConfig):
    name = "sgam"

    def ready(self) -> None:
        from sgam.followup import library_object_changed_received
        from ucmr.signals import library_object_changed

        # A library object changed (or was merged into): validate again the use cases that use it.
        library_object_changed.connect(library_object_changed_received, dispatch_uid="sgam.library_object_changed")
