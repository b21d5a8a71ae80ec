from django.apps import AppConfig


class UsecasesConfig(AppConfig):
    name = "usecases"

    def ready(self) -> None:
        from usecases import permissions

        permissions.register()  # who may do what on use cases, workspaces, their rows and this app's libraries
