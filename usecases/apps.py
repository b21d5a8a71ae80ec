from django.apps import AppConfig


class UsecasesConfig(AppConfig):
    name = "usecases"

    def ready(self) -> None:
        from ucmr.signals import library_object_changed
        from usecases import library_parts, permissions
        from usecases.analysis.followup import library_object_changed_received

        permissions.register()  # who may do what on use cases, workspaces, their rows and this app's libraries
        library_parts.register()  # where an actor or a requirement is used, on their pages
        # A library object changed (or was merged into): validate again the use cases that use it. (The uid is the
        # one it had when the analysis lived in sgam, so that the receiver is never connected twice.)
        library_object_changed.connect(library_object_changed_received, dispatch_uid="sgam.library_object_changed")
