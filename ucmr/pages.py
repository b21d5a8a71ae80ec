"""What every app's read pages share: lists and detail pages read through a selector that applies
ucmr.permissions, with the permission facts the templates need computed in the view (templates run no query)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView

from ucmr.merge import may_merge
from ucmr.permissions import ADD, CHANGE, ObjectPermissionMixin, require, user_can


@dataclass(frozen=True)
class DetailPart:
    """What an app above adds to another app's detail page, so that the app below imports none of it: `prefetch(user)`
    the objects using it (a "used in" list, read by the detail selector), `context(user, obj)` more of the page (an
    impact analysis, read by `SelectorDetailView`)."""

    prefetch: Callable[[Any], list[Prefetch]] | None = None
    context: Callable[[Any, models.Model], dict[str, Any]] | None = None


_detail_parts: dict[str, list[DetailPart]] = defaultdict(list)


def register_detail_part(model: type[models.Model] | str, part: DetailPart) -> None:
    """Add `part` to the detail page of `model` (a model or its "app_label.ModelName"), from an AppConfig.ready()."""
    _detail_parts[model if isinstance(model, str) else model._meta.label].append(part)


def detail_prefetches(model: type[models.Model], *, user) -> list[Prefetch]:
    """The prefetches the registered parts of `model`'s detail page need, for `user`."""
    return [item for part in _detail_parts[model._meta.label] if part.prefetch for item in part.prefetch(user)]


def detail_context(obj: models.Model, *, user) -> dict[str, Any]:
    """The context the registered parts add to the detail page of `obj`."""
    context: dict[str, Any] = {}
    for part in _detail_parts[obj._meta.label]:
        if part.context:
            context.update(part.context(user, obj))
    return context


class KeysFirstPaginator(Paginator):
    """Pages of a filtered, ordered queryset read in two queries: the primary keys of the page's rows, from a query of
    the order's columns alone (an index of that order answers it by reading about a page of entries, where a plain
    slice sorts every row found, with all its columns, joins and per-row subqueries, before taking 25); then those
    rows by their keys from `rows`, the queryset before the filters (so that they are not matched again), shaped as the
    page shows them, put back in the order of the keys."""

    def __init__(self, object_list, per_page, *, rows: models.QuerySet, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        found = self.rows.in_bulk(keys)
        return self._get_page([found[key] for key in keys if key in found], number, self)


class SelectorListView(ObjectPermissionMixin, FilterView):
    """A filtered list of what `selector(user=...)` returns, a page at a time (`paginate = False` for one page).
    `may_add` tells the template whether to offer "New", `may_merge` whether to offer merging duplicates."""

    public_read = True
    selector: Callable[..., models.QuerySet]
    paginate = True

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_paginate_by(self, queryset) -> int | None:
        return settings.UCMR_PAGE_SIZE if self.paginate else None

    def get_context_data(self, **kwargs):
        model = self.filterset_class._meta.model
        user = self.request.user
        context = super().get_context_data(
            may_add=user_can(user, ADD, model), may_merge=may_merge(user, model), **kwargs
        )
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class SelectorDetailView(ObjectPermissionMixin, DetailView):
    """One object read with `selector(user=..., pk=...)` (a 404 for what the user may not see), then checked for
    `permission_action` (a 403). `may_change` tells the template whether to offer "Edit", `may_merge` whether to
    offer merging duplicates into the object. Parts other apps register (`register_detail_part`) add to the
    context."""

    public_read = True
    selector: Callable[..., models.Model]

    def get_object(self, queryset=None):
        obj = type(self).selector(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, obj)
        return obj

    def get_context_data(self, **kwargs):
        kwargs.setdefault("may_change", user_can(self.request.user, CHANGE, self.object))
        kwargs.setdefault("may_merge", may_merge(self.request.user, type(self.object)))
        for name, value in detail_context(self.object, user=self.request.user).items():
            kwargs.setdefault(name, value)
        return super().get_context_data(**kwargs)
