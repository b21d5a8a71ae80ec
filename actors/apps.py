from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "actors"

    def ready(self) -> None:
        from ucmr.permissions import register_library

        # Everyone signed in reads the actor library, curators write it, and whoever added an actor corrects it.
        register_library("actors.Actor", creator_edited=True)
