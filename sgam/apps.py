from django.apps import AppConfig


class SgamConfig(AppConfig):
    name = "sgam"

    def ready(self) -> None:
        from sgam.forms import DefaultPlacementPart
        from ucmr.editing import register_form_part

        register_form_part("actors.Actor", DefaultPlacementPart())  # the actor's edit page offers an SGAM cell
