"""Reads that belong to no single app: the home page's figures and background jobs."""

from django.shortcuts import get_object_or_404

from actors.models import Actor
from requirements.models import Requirement
from ucmr.models import BackgroundJob
from ucmr.permissions import visible_to
from usecases.models import CommonTerm, InformationObject, UseCase


def repository_counts(*, user) -> dict[str, int]:
    """How many use cases, actors, requirements, information objects and terms the user may see."""
    models = {
        "use_cases": UseCase,
        "actors": Actor,
        "requirements": Requirement,
        "information_objects": InformationObject,
        "common_terms": CommonTerm,
    }
    return {name: visible_to(user, model.objects.all()).count() for name, model in models.items()}


def job_get(*, user, pk) -> BackgroundJob:
    return get_object_or_404(visible_to(user, BackgroundJob.objects.select_related("user")), pk=pk)
