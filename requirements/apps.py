from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "requirements"

    def ready(self) -> None:
        from ucmr.permissions import register_library

        # Everyone signed in reads the requirements library, curators write it, and whoever added a requirement
        # corrects it.
        register_library("requirements.Requirement", creator_edited=True)
        register_library("requirements.RequirementCategory")
