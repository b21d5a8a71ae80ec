"""What the importing user may do (`ucmr.permissions`; `user=None` is the system): change which loaded rows, add
which library objects, add use cases to which workspaces, see which use cases. Each answer costs one query for all
the rows it is asked about, and is remembered."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import models

from ucmr.permissions import ADD, user_can, visible_to
from usecases.access import may_add_to_library
from usecases.models import UseCase, Workspace


class Permits:
    def __init__(self, *, user) -> None:
        self.user = user
        self.may: dict[type, bool] = {}
        self.addable: set[int] | None = None
        self.related_seen: dict[int, bool] = {}

    def allowed(self, model: type[models.Model], loaded: dict[int, models.Model]) -> set[int]:
        """Which of the loaded rows the user may change (one query, however many rows)."""
        if self.user is None or not loaded:
            return set(loaded)
        permitted = visible_to(self.user, model.objects.filter(pk__in=list(loaded)), "change")
        return set(permitted.values_list("pk", flat=True))

    def may_add(self, model: type[models.Model]) -> bool:
        """New library objects a file brings may be added by whoever may import use cases: leaving them out would
        drop the references to them. Changing existing library objects stays with the curators."""
        if model not in self.may:
            self.may[model] = self.user is None or may_add_to_library(self.user, model)
        return self.may[model]

    def require_addable(self, workspace: Workspace) -> None:
        """New use cases only go where the user may add use cases (one query for all workspaces)."""
        if self.user is None:
            return
        if self.addable is None:
            self.addable = set(visible_to(self.user, Workspace.objects.order_by(), ADD).values_list("pk", flat=True))
        if workspace.pk not in self.addable:
            raise PermissionDenied(
                f"You may not add use cases to the workspace {workspace.name!r}: choose a workspace you may add "
                "use cases to."
            )

    def workspace_created(self, workspace: Workspace) -> None:
        """A workspace the import made is one more the user may add to (when the policy says so)."""
        if self.addable is not None and user_can(self.user, ADD, workspace):
            self.addable.add(workspace.pk)

    def relates_to_hidden(self, relation) -> bool:
        """Whether an existing relation points at a use case the user may not see: not theirs to remove (the file
        they write back cannot have it), so it is kept and not reported."""
        if self.user is None:
            return False
        seen = self.related_seen
        if relation.related_id not in seen:
            seen[relation.related_id] = visible_to(self.user, UseCase.objects.filter(pk=relation.related_id)).exists()
        return not seen[relation.related_id]

    def visible_mrids(self, use_cases: dict[uuid.UUID, UseCase]) -> set[uuid.UUID]:
        pks = [instance.pk for instance in use_cases.values()]
        seen = visible_to(self.user, UseCase.objects.filter(pk__in=pks)).values_list("mrid", flat=True)
        return set(seen)
