"""What every editor of a use case answers alike (the table editors here, the SGAM placement editor in sgam):
how it tells htmx from a plain request, a stale revision, the refusal of an edit of a use case that is no longer a
draft, and the event that brings the page's revision up to date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from usecases.models import UseCase
from usecases.services import not_a_draft_message

# The placement editor (sgam/placement_views.py) still compares the use case's revision: a placement is a cell of one
# grid the whole use case shares.
STALE_MESSAGE = "Someone else changed this use case meanwhile; reload to see their change. Nothing was saved."
INCOMPLETE_MESSAGE = "The page was incomplete; reload it and try again. Nothing was changed."
REVISED_EVENT = "usecaseRevised"


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_stale(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "stale_revision"


def draft_refusal(request, use_case: UseCase):
    """The answer to an edit of a use case that is no longer a draft (None for a draft): a 409 with the reason for
    htmx, the use case page with the reason without."""
    if use_case.status == UseCase.Status.DRAFT:
        return None
    message = not_a_draft_message(use_case)
    if is_htmx(request):
        return TemplateResponse(request, "usecases/authoring/message.html", {"message": message}, status=409)
    messages.error(request, message)
    return redirect(use_case.get_absolute_url())
