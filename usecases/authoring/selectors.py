"""Reads of the table editors' library pickers: a page of the library objects a user may see that match what the
author types, by ID or name, ignoring case."""

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When

from actors.models import Actor
from requirements.models import Requirement
from ucmr.permissions import visible_to
from usecases.models import InformationObject, UseCase

LABEL_SEPARATOR = " · "

# The libraries a picker searches, by the name in the search endpoint's address.
PICKER_LIBRARIES: dict[str, type[models.Model]] = {
    "actors": Actor,
    "information": InformationObject,
    "requirements": Requirement,
}
PICKER_PAGE_SIZE = 20
PICKER_PAGE_SIZE_MAX = 50


def library_label(item: models.Model) -> str:
    """How a picker shows a library object: "ID · name" (or the one it has); an actor by its name."""
    return LABEL_SEPARATOR.join(part for part in (getattr(item, "identifier", ""), item.name) if part)


@dataclass(frozen=True)
class PickerPage:
    """One page of matches: `items` in the order shown, `more` when a further page has some."""

    items: list[models.Model]
    page: int
    more: bool


def _search_fields(model: type[models.Model]) -> tuple[str, ...]:
    return ("identifier", "name") if any(field.name == "identifier" for field in model._meta.fields) else ("name",)


def library_picker_search(
    *,
    user,
    model: type[models.Model],
    query: str = "",
    use_case: UseCase | None = None,
    page: int = 1,
    page_size: int = PICKER_PAGE_SIZE,
) -> PickerPage:
    """The library objects of `model` the user may see whose ID or name holds `query` (any case), exact matches
    first, then those that start with it, each group in the library's order; only the actors of `use_case` when it
    is given (the caller has checked that the user may see it). One query per page, whatever the library's size."""
    fields = _search_fields(model)
    objects = visible_to(user, model.objects.all())
    if use_case is not None:
        objects = objects.filter(roles__use_case=use_case).distinct() if model is Actor else objects.none()
    query = query.strip()
    order = [*fields, "pk"]
    if query:
        objects = objects.filter(Q.create([(f"{field}__icontains", query) for field in fields], connector=Q.OR))
        rank = Case(
            When(Q.create([(f"{field}__iexact", query) for field in fields], connector=Q.OR), then=Value(0)),
            When(Q.create([(f"{field}__istartswith", query) for field in fields], connector=Q.OR), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        objects = objects.annotate(rank=rank)
        order.insert(0, "rank")
    page_size = max(1, min(page_size, PICKER_PAGE_SIZE_MAX))
    page = max(1, page)
    start = (page - 1) * page_size
    found = list(objects.order_by(*order)[start : start + page_size + 1])
    return PickerPage(items=found[:page_size], page=page, more=len(found) > page_size)
