"""The registry of the tables a use case's page edits in place: which rows each shows (eager-loaded), which cells,
with which form, among which siblings a row moves, and how a new row is written (through the row services). Each
table's columns, their headers and order are the template's (usecases.template, the table its form names)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.http import Http404

from sgam.models import SgamPlacement
from sgam.services import sgam_placement_add
from ucmr.permissions import visible_to
from ucmr.richtext import is_rich_text, rich_text_html
from usecases import template
from usecases.authoring import forms
from usecases.authoring.conflicts import row_fingerprint, row_lock_unchanged, rows_check_order
from usecases.models import (
    ActorGrouping,
    ActorRole,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
    VersionEntry,
)
from usecases.selectors import step_rows, step_tree
from usecases.services import (
    usecase_row_create,
    usecase_row_delete,
    usecase_row_update,
    usecase_rows_reorder,
    usecase_update,
)


@dataclass
class TableRow:
    """A row as the editor shows it: its cells (plain text, escaped by the template; rich text as HTML) and its depth
    (sub-steps)."""

    row: models.Model
    cells: list[str]
    depth: int = 0
    label: str = ""
    first: bool = False  # first among its siblings: it cannot move up
    last: bool = False
    urls: dict[str, str] = field(default_factory=dict)
    opens: list[tuple[str, str]] = field(default_factory=list)  # (label, url) of tables opened from the row
    fingerprint: str = ""  # its values as shown, which its delete compares (conflicts.py)
    order: str = ""  # the order of its siblings as shown, which its move compares


@dataclass
class TableWindow:
    """The rows of a table an editor shows: all of them, or for a scenario's steps `size` rows from `start` (of
    `total`). `siblings`: the rows among which each shown row moves (all of them, shown or not), by parent."""

    rows: list[TableRow]
    siblings: dict[int | None, list[models.Model]]
    start: int = 0
    total: int = 0
    size: int = 0

    @property
    def paged(self) -> bool:
        return self.size > 0 and self.total > self.size

    @property
    def end(self) -> int:
        return self.start + len(self.rows)

    @property
    def previous_start(self) -> int | None:
        return max(0, self.start - self.size) if self.paged and self.start else None

    @property
    def next_start(self) -> int | None:
        return self.end if self.paged and self.end < self.total else None


# A scenario's steps editor shows this many rows at a time (a page of 5,000 steps' forms was 10.9 MB).
EDITOR_PAGE_ROWS = 100


def _names(rows, attribute: str = "name") -> str:
    return ", ".join(str(getattr(row, attribute) or row) for row in rows)


@dataclass(frozen=True)
class EditableTable:
    """One table of the template, with the columns the template gives the table its form names (`template_table`).
    `cells` says what a column shows where it is not the row's field of the column's name, by that name. `kind` fixes
    a condition table's kind; `scoped` tables are a scenario's; `opens` names the scoped tables a row of this one
    opens (a scenario's steps and conditions)."""

    key: str
    title: str
    model: type[models.Model]
    form_class: type[forms.RowForm]
    cells: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    kind: str = ""
    scoped: bool = False
    opens: tuple[str, ...] = ()
    row_noun: str = ""  # what a row is called on buttons, when not the model's name
    ordered: bool = True  # rows move up and down, and are edited in place
    quick: tuple[str, ...] = ()  # the fields of the one-line quick-entry row under the table (steps), if any

    @property
    def template_columns(self) -> tuple[template.Column, ...]:
        return template.named_columns(self.form_class.template_table)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.label for column in self.template_columns)

    @property
    def columns(self) -> tuple[str, ...]:
        """The form field each column shows, where there is one ("" where none): Enter on a cell edits it."""
        fields = self.form_class.base_fields
        aliases = self.form_class.template_fields
        named = (aliases.get(column.name, column.name) for column in self.template_columns)
        return tuple(name if name in fields else "" for name in named)

    def row_cells(self, row: models.Model, **computed: Any) -> list[str]:
        """The row's cells, column by column: `computed` (by column name) where given, else `cells`, else the row's
        field (rich text as HTML)."""
        shown = []
        for name in (column.name for column in self.template_columns):
            if name in computed:
                shown.append(computed[name])
            elif name in self.cells:
                shown.append(self.cells[name](row))
            else:
                cell = getattr(row, name)
                shown.append(rich_text_html(cell) if is_rich_text(row, name) else cell)
        return shown

    @property
    def noun(self) -> str:
        return self.row_noun or str(self.model._meta.verbose_name)

    def owner(self, *, use_case: UseCase, scenario: Scenario | None) -> dict[str, Any]:
        """What the rows of this table share (the fields that select them)."""
        if self.model is Step:
            return {"scenario": scenario}
        if self.model is Condition:
            return {"use_case": use_case, "scenario": scenario, "kind": self.kind}
        return {"use_case": use_case}

    def rows(self, *, use_case: UseCase, scenario: Scenario | None) -> models.QuerySet:
        rows = self.model.objects.filter(**self.owner(use_case=use_case, scenario=scenario))
        return (
            rows.select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .order_by("position", "pk")
        )

    def row_get(self, *, use_case: UseCase, scenario: Scenario | None, pk: int) -> models.Model:
        rows = self.model.objects.filter(**self.owner(use_case=use_case, scenario=scenario))
        row = rows.select_related(*self.select_related).filter(pk=pk).first()
        if row is None:
            raise Http404(f"This {self.noun} is not in the table.")
        return row

    def table_rows(self, rows, *, user) -> list[TableRow]:
        rows = list(rows)
        last = len(rows) - 1
        return [
            TableRow(row, self.row_cells(row), label=str(row) or self.noun, first=index == 0, last=index == last)
            for index, row in enumerate(rows)
        ]

    def window(
        self, *, use_case: UseCase, scenario: Scenario | None, user, start: int = 0, focus: int | None = None
    ) -> TableWindow:
        """The rows the editor shows: all of them."""
        rows = self.table_rows(self.rows(use_case=use_case, scenario=scenario), user=user)
        siblings = defaultdict(list)  # a step moves among the steps of its parent, any other row in its table
        for item in rows:
            siblings[getattr(item.row, "parent_id", None)].append(item.row)
        return TableWindow(rows=rows, siblings=siblings, total=len(rows))

    def new_instance(self, *, use_case: UseCase, scenario: Scenario | None) -> models.Model:
        """The unsaved row a create form validates against (model clean() needs its owner)."""
        return self.model(**self.owner(use_case=use_case, scenario=scenario))

    @property
    def many(self) -> tuple[str, ...]:
        """The many-to-many fields the row's form edits (part of what a conflict compares)."""
        edited = self.form_class._meta.fields or ()
        return tuple(field.name for field in self.model._meta.many_to_many if field.name in edited)

    def fingerprint(self, row: models.Model) -> str:
        """The row's values as its forms load them (see conflicts.py)."""
        return row_fingerprint(row, many=self.many)

    @transaction.atomic
    def create(self, *, user, use_case: UseCase, scenario: Scenario | None, form):
        """Write the new row, with the new library objects its form names (all or nothing). A new row overwrites
        nothing: it is added whatever else changed meanwhile."""
        form.add_library_objects(user=user)
        data = {**form.service_data(), **self.owner(use_case=use_case, scenario=scenario)}
        data.pop("use_case", None)
        return usecase_row_create(user=user, use_case=use_case, model=self.model, data=data)

    @transaction.atomic
    def update(self, *, user, row: models.Model, form, fingerprint: str):
        """Write the form to the row, refused when the row changed since the form was loaded (`fingerprint`)."""
        row = row_lock_unchanged(row=row, fingerprint=fingerprint, many=self.many)
        form.add_library_objects(user=user)
        return usecase_row_update(user=user, row=row, data=form.service_data())

    @transaction.atomic
    def delete(self, *, user, use_case: UseCase, row: models.Model, fingerprint: str) -> None:
        """Delete the row, refused when it changed since the table showed it (`fingerprint`)."""
        row = row_lock_unchanged(row=row, fingerprint=fingerprint, many=self.many)
        usecase_row_delete(user=user, row=row)

    @transaction.atomic
    def reorder(self, *, user, use_case: UseCase, rows: list[models.Model], shown: list[models.Model], order: str):
        """Put the siblings in the order `rows`, refused when they are no longer in the order the table showed
        (`order`, the fingerprint of `shown`)."""
        rows_check_order(siblings=shown, fingerprint=order)
        usecase_rows_reorder(user=user, use_case=use_case, rows=rows)


class StepTable(EditableTable):
    """4.2: each step before its sub-steps, numbered as the page numbers them; EDITOR_PAGE_ROWS rows at a time."""

    def window(
        self, *, use_case: UseCase, scenario: Scenario | None, user, start: int = 0, focus: int | None = None
    ) -> TableWindow:
        """`EDITOR_PAGE_ROWS` rows from `start`, or the page holding the row `focus`: the order, numbers and siblings
        read from a few columns of every step, the rows shown loaded in full (a fixed number of queries)."""
        light = list(
            Step.objects.filter(scenario=scenario)
            .only("pk", "parent_id", "number", "position")
            .order_by("position", "pk")
        )
        siblings: dict[int | None, list[Step]] = defaultdict(list)
        for step in light:
            siblings[step.parent_id].append(step)
        order = step_rows(step_tree(light))
        if focus is not None:
            index = next((index for index, node in enumerate(order) if node.step.pk == focus), None)
            start = start if index is None else index - index % EDITOR_PAGE_ROWS
        start = max(0, min(start, max(0, len(order) - 1)))
        start -= start % EDITOR_PAGE_ROWS
        shown = order[start : start + EDITOR_PAGE_ROWS]
        full = {
            row.pk: row
            for row in self.rows(use_case=use_case, scenario=scenario).filter(pk__in=[node.step.pk for node in shown])
        }
        items = []
        for node in shown:
            step = full.get(node.step.pk)
            if step is None:
                continue
            kin = siblings[step.parent_id]
            items.append(
                TableRow(
                    step,
                    self.row_cells(step, number=node.number),
                    depth=node.depth,
                    label=node.number,
                    first=kin[0].pk == step.pk,
                    last=kin[-1].pk == step.pk,
                )
            )
        return TableWindow(rows=items, siblings=siblings, start=start, total=len(order), size=EDITOR_PAGE_ROWS)

    def table_rows(self, rows, *, user) -> list[TableRow]:
        rows = list(rows)
        siblings: dict[int | None, list[int]] = defaultdict(list)
        for step in rows:
            siblings[step.parent_id].append(step.pk)
        items = []
        for node in step_rows(step_tree(rows)):
            kin = siblings[node.step.parent_id]
            items.append(
                TableRow(
                    node.step,
                    self.row_cells(node.step, number=node.number),
                    depth=node.depth,
                    label=node.number,
                    first=kin[0] == node.step.pk,
                    last=kin[-1] == node.step.pk,
                )
            )
        return items


@dataclass(frozen=True)
class LinkTable(EditableTable):
    """A table of library objects the use case lists through the many-to-many `relation` (1.3 business cases,
    7 terms), in the library's order. A row is added by naming an object of the library, or a new one, and
    removed; the object itself stays in the library."""

    relation: str = ""
    ordered: bool = False

    def linked(self, use_case: UseCase) -> models.QuerySet:
        return getattr(use_case, self.relation)

    def rows(self, *, use_case: UseCase, scenario: Scenario | None) -> models.QuerySet:
        return self.linked(use_case).all()

    def row_get(self, *, use_case: UseCase, scenario: Scenario | None, pk: int) -> models.Model:
        row = self.linked(use_case).filter(pk=pk).first()
        if row is None:
            raise Http404(f"This {self.noun} is not in the table.")
        return row

    def new_instance(self, *, use_case: UseCase, scenario: Scenario | None) -> models.Model:
        return self.model()

    def _set(self, *, user, use_case: UseCase, rows) -> None:
        usecase_update(user=user, use_case=use_case, data={self.relation: rows})

    @transaction.atomic
    def create(self, *, user, use_case: UseCase, scenario: Scenario | None, form):
        form.add_library_objects(user=user)
        rows = [*self.linked(use_case).all(), form.chosen]
        self._set(user=user, use_case=use_case, rows=rows)
        return form.chosen

    @transaction.atomic
    def delete(self, *, user, use_case: UseCase, row: models.Model, fingerprint: str) -> None:
        """Remove the object from the use case (the library keeps it); whatever a curator changed in the object
        meanwhile, the link is what goes."""
        rows = [linked for linked in self.linked(use_case).all() if linked.pk != row.pk]
        self._set(user=user, use_case=use_case, rows=rows)


class ActorRoleTable(EditableTable):
    """3.1: an actor's form also places the actor on the SGAM in this use case (a cell the row does not have yet),
    which is where the validation's "actor without SGAM placement" is fixed."""

    @transaction.atomic
    def create(self, *, user, use_case: UseCase, scenario: Scenario | None, form):
        role = super().create(user=user, use_case=use_case, scenario=scenario, form=form)
        _place_actor_role(user=user, role=role, cell=form.placement())
        return role

    @transaction.atomic
    def update(self, *, user, row: models.Model, form, fingerprint: str):
        """A placement alone adds to the row's placements and overwrites nothing: only a change of the row is
        compared with what was loaded."""
        if form.changes_the_row():
            row = super().update(user=user, row=row, form=form, fingerprint=fingerprint)
        _place_actor_role(user=user, role=row, cell=form.placement())
        return row


def _place_actor_role(*, user, role: ActorRole, cell: dict | None) -> None:
    if cell is not None and not SgamPlacement.objects.filter(actor_role=role, **cell).exists():
        sgam_placement_add(user=user, subject=role, **cell)


class RelationTable(EditableTable):
    """1.7: a related use case the user may not see is shown as such, as on the use case page."""

    def table_rows(self, rows, *, user) -> list[TableRow]:
        rows = list(rows)
        related = UseCase.objects.filter(pk__in={row.related_id for row in rows})
        visible = set(visible_to(user, related).values_list("pk", flat=True))
        items = super().table_rows(rows, user=user)
        related_column = [column.name for column in self.template_columns].index("related")
        for item in items:
            if item.row.related_id not in visible:
                item.cells[related_column] = "a use case you may not see"
                item.label = self.noun
        return items


def _condition_table(key: str, title: str, kind: str, scoped: bool) -> EditableTable:
    return EditableTable(
        key=key, title=title, model=Condition, form_class=forms.ConditionForm, kind=kind, scoped=scoped
    )


def _identifiers(name: str) -> Callable[[Any], str]:
    return lambda row: _names(getattr(row, name).all(), "identifier")


def _names_of(name: str) -> Callable[[Any], str]:
    return lambda row: _names(getattr(row, name).all())


SCENARIO_TABLES = ("triggering-events", "preconditions", "postconditions", "steps")

TABLES: dict[str, EditableTable] = {
    table.key: table
    for table in (
        EditableTable(
            key="versions",
            title="1.2 Version management",
            model=VersionEntry,
            form_class=forms.VersionEntryForm,
            cells={"date": lambda row: row.date.date().isoformat() if row.date else ""},
        ),
        EditableTable(key="objectives", title="1.3 Objectives", model=Objective, form_class=forms.ObjectiveForm),
        LinkTable(
            key="business-cases",
            title="1.3 Related business cases",
            model=BusinessCase,
            form_class=forms.BusinessCaseForm,
            row_noun="business case",
            relation="business_cases",
        ),
        EditableTable(
            key="kpis",
            title="1.5 Key performance indicators",
            model=Kpi,
            form_class=forms.KpiForm,
            cells={"objectives": _names_of("objectives")},
            prefetch_related=("objectives",),
        ),
        _condition_table("assumptions", "1.6 Assumptions", Condition.Kind.ASSUMPTION, False),
        _condition_table("prerequisites", "1.6 Prerequisites", Condition.Kind.PREREQUISITE, False),
        RelationTable(
            key="relations",
            title="1.7 Relation to other use cases",
            model=UseCaseRelation,
            form_class=forms.RelationForm,
            row_noun="relation",
            cells={"type": lambda row: row.get_type_display(), "related": lambda row: str(row.related)},
            select_related=("related",),
        ),
        EditableTable(key="remarks", title="1.8 General remarks", model=Remark, form_class=forms.RemarkForm),
        EditableTable(
            key="drawings",
            title="2 Diagrams of use case",
            model=Drawing,
            form_class=forms.DrawingForm,
            row_noun="drawing",
            cells={
                "drawing_type": lambda row: row.get_drawing_type_display(),
                "scenario": lambda row: str(row.scenario or "Use case"),
                # stored under a generated name, which says nothing
                "image": lambda row: "uploaded image" if row.image else "",
            },
            select_related=("scenario",),
        ),
        EditableTable(
            key="actor-groupings",
            title="3.1 Actor groupings",
            model=ActorGrouping,
            form_class=forms.ActorGroupingForm,
            row_noun="grouping",
        ),
        ActorRoleTable(
            key="actors",
            title="3.1 Actors",
            model=ActorRole,
            form_class=forms.ActorRoleForm,
            row_noun="actor",
            cells={
                "actor": lambda row: row.actor.name,
                "actor_type": lambda row: row.actor.get_type_display(),
                "grouping": lambda row: row.grouping.name if row.grouping else "",
            },
            select_related=("actor", "grouping"),
        ),
        EditableTable(key="references", title="3.2 References", model=Reference, form_class=forms.ReferenceForm),
        EditableTable(
            key="scenarios",
            title="4.1 Scenarios",
            model=Scenario,
            form_class=forms.ScenarioForm,
            cells={"primary_actors": _names_of("primary_actors"), "requirements": _identifiers("requirements")},
            prefetch_related=("primary_actors", "requirements"),
            opens=SCENARIO_TABLES,
        ),
        _condition_table("triggering-events", "Triggering events", Condition.Kind.TRIGGERING_EVENT, True),
        _condition_table("preconditions", "Pre-conditions", Condition.Kind.PRECONDITION, True),
        _condition_table("postconditions", "Post-conditions", Condition.Kind.POSTCONDITION, True),
        StepTable(
            key="steps",
            title="4.2 Steps",
            model=Step,
            form_class=forms.StepForm,
            cells={
                "producers": _names_of("producers"),
                "receivers": _names_of("receivers"),
                "information_objects": _identifiers("information_objects"),
                "requirements": _identifiers("requirements"),
            },
            prefetch_related=("producers", "receivers", "information_objects", "requirements"),
            scoped=True,
            quick=("number", "name", "producers", "receivers", "information_objects"),
        ),
        LinkTable(
            key="terms",
            title="7 Common terms and definitions",
            model=CommonTerm,
            form_class=forms.TermForm,
            row_noun="term",
            relation="common_terms",
        ),
        EditableTable(
            key="custom-information",
            title="8 Custom information",
            model=CustomInformation,
            form_class=forms.CustomInformationForm,
        ),
    )
}


def table_get(key: str) -> EditableTable:
    if key not in TABLES:
        raise Http404("No such table.")
    return TABLES[key]
