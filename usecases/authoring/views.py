"""The table editors' endpoints: a table as an editor (rows with Edit, Up, Down and Delete), a row's edit form, and
the writes (create, update, delete, move) through the row services.

For htmx requests (`HX-Request`) they answer with the editor's partial: after a write the fresh table, with an
`HX-Trigger` event `usecaseRevised` ({from, to}) that `static/js/authoring.js` uses to bring the page's revision
up to date; a refusal answers 4xx with the editor to show (422 a form with errors, 409 a conflict or a use case that is
no longer a draft, 400 an incomplete post), which authoring.js lets htmx swap in.

Conflicts are per row (conflicts.py): a save or a delete is refused only when its row changed since it was loaded,
a move only when its table's order changed; writes to other rows and other tables never refuse each other. A refused
save shows both versions, theirs (saved) and yours (kept in the form, which then saves over theirs); the save of a
row deleted meanwhile offers to add it again. Without htmx a write
redirects back to the table on the use case page, and a page wraps the partials, so the editors work without script.

Permissions are those of the edit page (`usecases:usecase_update`): a 404 for who may not see the use case, a 403 for
who may see but not change it; only drafts are edited.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import View

from ucmr.admin import fresh_copy
from ucmr.editing import add_service_errors
from ucmr.permissions import CHANGE, ObjectPermissionMixin, require
from usecases.authoring.conflicts import ROW_CHANGED, conflict_of, last_change, order_fingerprint, row_differences
from usecases.authoring.forms import RowActionForm
from usecases.authoring.responses import INCOMPLETE_MESSAGE, REVISED_EVENT, draft_refusal, is_htmx
from usecases.authoring.tables import TABLES, table_get
from usecases.models import Scenario
from usecases.selectors import usecase_header_get
from usecases.services import usecase_row_siblings

CHANGED_MESSAGE = (
    "Someone changed this {noun} while you were editing it. Nothing of yours was saved yet: your text is kept in the "
    "form. Save again to replace their version with yours, or Cancel to keep theirs."
)
DELETED_MESSAGE = (
    "Someone deleted this {noun} while you were editing it. Your text is kept in the form: save to add it as a new "
    "{noun}, or Cancel to drop it."
)
DELETE_CHANGED_MESSAGE = (
    "Someone changed this {noun} after the table was shown; it is shown as it is now. Nothing was deleted: delete it "
    "again if you still mean to."
)
GONE_MESSAGE = "Someone else deleted this {noun} already; the table is shown as it is now."
ORDER_CHANGED_MESSAGE = "Someone changed the order of this table meanwhile; it is shown as it is now. Nothing moved."


class TableEditorView(ObjectPermissionMixin, View):
    """What every endpoint shares: the use case (checked as the edit page checks it), the table, the scenario of a
    scenario's table, and the answers (partials for htmx, pages or redirects without)."""

    def check_permissions(self) -> None:
        if self.request.method.lower() not in self.http_method_names:
            return  # a 405 for everyone signed in, as the other write endpoints answer
        user = self.request.user
        self.use_case = usecase_header_get(user=user, pk=self.kwargs["pk"])
        require(user, CHANGE, self.use_case)
        self.table = table_get(self.kwargs["table"])
        scenario = self.kwargs.get("scenario")
        if self.table.scoped != (scenario is not None):
            raise Http404("This table belongs to " + ("a scenario." if self.table.scoped else "the use case."))
        self.scenario = get_object_or_404(Scenario, use_case=self.use_case, pk=scenario) if scenario else None

    def get(self, request, *args, **kwargs):
        return self.not_a_draft() or self.read()

    def post(self, request, *args, **kwargs):
        self.revision_before = self.use_case.revision  # the write moves it on (usecaseRevised says from what)
        return self.not_a_draft() or self.write()

    def read(self):
        """The answer to a GET (of an endpoint that allows it)."""
        raise NotImplementedError

    def write(self):
        """The answer to a POST (of an endpoint that allows it)."""
        raise NotImplementedError

    # Shared pieces

    @property
    def editor_id(self) -> str:
        return f"{self.table.key}-{self.scenario.pk}" if self.scenario else self.table.key

    @property
    def page_url(self) -> str:
        return f"{self.use_case.get_absolute_url()}#table-{self.editor_id}"

    def url(self, name: str, **kwargs) -> str:
        kwargs = {"pk": self.use_case.pk, "table": self.table.key, **kwargs}
        if self.scenario is not None:
            kwargs["scenario"] = self.scenario.pk
        return reverse(f"usecases:{name}", kwargs=kwargs)

    def not_a_draft(self):
        return draft_refusal(self.request, self.use_case)

    def form(self, *, data=None, instance=None, quick: bool = False):
        key = instance.pk if instance is not None else ("quick" if quick else "new")
        loaded = instance is not None and data is None  # a bound form posts the fingerprint it was loaded with
        return self.table.form_class(
            data,
            self.request.FILES if data is not None else None,
            instance=instance if instance is not None else self.table.new_instance(**self.owner),
            auto_id=f"{self.editor_id}-{key}-%s",
            user=self.request.user,
            fingerprint=self.table.fingerprint(instance) if loaded else "",
            **self.owner,
        )

    @property
    def owner(self) -> dict:
        return {"use_case": self.use_case, "scenario": self.scenario}

    def context(self, **kwargs) -> dict:
        return {
            "use_case": self.use_case,
            "table": self.table,
            "scenario": self.scenario,
            "editor_id": self.editor_id,
            "list_url": self.url("row_list") + (f"?start={self.start}" if self.start else ""),
            "list_url_base": self.url("row_list"),
            "done_url": self.page_url,
            **kwargs,
        }

    @property
    def start(self) -> int:
        """The first row of a paged table's window, as the request names it (`start`)."""
        start = self.request.POST.get("start") or self.request.GET.get("start") or "0"
        return int(start) if start.isdigit() else 0

    def table_context(self, *, focus: int | None = None, **kwargs) -> dict:
        """The table as the editor shows it: a scenario's steps a window at a time (the one holding `focus`, the row
        just written, or the one the request names)."""
        window = self.table.window(**self.owner, user=self.request.user, start=self.start, focus=focus)
        rows, siblings = window.rows, window.siblings
        for item in rows:
            item.urls = {name: self.url(f"row_{name}", row=item.row.pk) for name in ("update", "delete", "move")}
            item.fingerprint = self.table.fingerprint(item.row)
            item.order = order_fingerprint(siblings[getattr(item.row, "parent_id", None)])
            item.opens = [
                (
                    TABLES[key].title,
                    reverse(
                        "usecases:row_list", kwargs={"pk": self.use_case.pk, "scenario": item.row.pk, "table": key}
                    ),
                )
                for key in self.table.opens
            ]
        kwargs.setdefault("form", self.form())
        if self.table.quick:
            kwargs.setdefault("quick_form", self.quick_form())
            kwargs["quick_fields"] = [kwargs["quick_form"][name] for name in self.table.quick]
        return self.context(rows=rows, window=window, create_url=self.url("row_create"), **kwargs)

    def quick_form(self, *, data=None, focus: bool = False):
        """The one-line quick-entry row of a table that has one (steps): a few fields of the new-row form, posted
        to the same endpoint with `quick`; `focus` puts the focus in its name (the next row after one was added)."""
        form = self.form(data=data, quick=True)
        if focus:
            form.fields["name"].widget.attrs["autofocus"] = True
        return form

    def respond(self, template: str, context: dict, status: int = 200):
        partial = f"usecases/authoring/{template}.html"
        if is_htmx(self.request):
            return TemplateResponse(self.request, partial, context, status=status)
        return TemplateResponse(
            self.request, "usecases/authoring/page.html", {**context, "partial": partial}, status=status
        )

    def written(self, *, focus: int | None = None, **context):
        """The answer to a successful write: the fresh table (the window holding `focus`, the row written), and the
        page's revision moved on."""
        if not is_htmx(self.request):
            messages.success(self.request, f"The {self.table.title} table is saved.")
            return redirect(self.page_url)
        self.use_case.refresh_from_db(fields=["revision", "modified"])
        response = self.respond("table", self.table_context(focus=focus, **context))
        revised = {"from": self.revision_before, "to": self.use_case.revision}
        response["HX-Trigger"] = json.dumps({REVISED_EVENT: revised})
        return response

    def refused(self, error: ValidationError, *, form=None, quick: bool = False):
        """The answer to a write to the table the service refused: its words (on the form when there is one), or
        for a conflict what changed meanwhile, with the table as it is now."""
        conflict = conflict_of(error)
        if conflict == ROW_CHANGED:
            return self.gone() if error.params["current"] is None else self.message(DELETE_CHANGED_MESSAGE)
        if conflict is not None:
            return self.message(ORDER_CHANGED_MESSAGE)
        context = {}
        if form is not None:
            add_service_errors(form, error)
            context["quick_form" if quick else "form"] = form
        else:
            context["message"] = " ".join(error.messages)
        return self.respond("table", self.table_context(**context), 422)

    def message(self, message: str, status: int = 409):
        """The table as it is now, with why nothing was written."""
        return self.respond("table", self.table_context(message=message.format(noun=self.table.noun)), status)

    def gone(self):
        return self.message(GONE_MESSAGE)

    def get_row_or_none(self):
        """The row the URL names, or None when it was deleted meanwhile."""
        try:
            return self.table.row_get(**self.owner, pk=self.kwargs["row"])
        except Http404:
            return None


class RowListView(TableEditorView):
    """GET: the table as an editor (with a quick-entry row, the focus in its name)."""

    http_method_names = ["get"]

    def read(self):
        context = {"quick_form": self.quick_form(focus=True)} if self.table.quick else {}
        return self.respond("table", self.table_context(**context))


class RowCreateView(TableEditorView):
    """POST: a new row, last in its table."""

    http_method_names = ["post"]

    def write(self):
        quick = bool(self.table.quick and self.request.POST.get("quick"))
        form = self.quick_form(data=self.request.POST) if quick else self.form(data=self.request.POST)
        kept = {"quick_form": form} if quick else {"form": form}  # a refused form comes back where it was typed
        if not form.is_valid():
            return self.respond("table", self.table_context(**kept), status=422)
        try:
            row = self.table.create(user=self.request.user, **self.owner, form=form)
        except ValidationError as error:
            return self.refused(error, form=form, quick=quick)
        focus = getattr(row, "pk", None)
        if quick:  # the next quick row, empty, the focus in its name; the full form stays closed
            return self.written(quick_form=self.quick_form(focus=True), focus=focus)
        return self.written(form=self.next_row_form(), focus=focus)

    def next_row_form(self):
        """After a row is added, the new-row form stays open for the next one, its first field to fill focused (the
        first one, or the first empty one after a number filled in)."""
        form = self.form()
        form.keep_open = True
        fields = list(form.visible_fields())
        first = next((field for field in fields[:2] if not field.initial), fields[0] if fields else None)
        if first is not None:
            first.field.widget.attrs["autofocus"] = True
        return form


class RowUpdateView(TableEditorView):
    """GET: a row's edit form; POST: save it."""

    http_method_names = ["get", "post"]

    def get_row(self):
        if not self.table.ordered:
            raise Http404(f"A {self.table.noun} is not edited in this table; remove it and add another.")
        return self.table.row_get(**self.owner, pk=self.kwargs["row"])

    def form_context(self, form) -> dict:
        return self.context(form=form, row=form.instance, update_url=self.url("row_update", row=form.instance.pk))

    def read(self):
        return self.respond("form", self.form_context(self.form(instance=self.get_row())))

    def write(self):
        if not self.table.ordered:
            raise Http404(f"A {self.table.noun} is not edited in this table; remove it and add another.")
        row = self.get_row_or_none()
        if row is None:
            return self.deleted_meanwhile()
        form = self.form(data=self.request.POST, instance=row)
        if not form.is_valid():
            return self.respond("form", self.form_context(form), status=422)
        fingerprint = form.cleaned_data["fingerprint"]
        try:
            self.table.update(user=self.request.user, row=fresh_copy(row), form=form, fingerprint=fingerprint)
        except ValidationError as error:
            if conflict_of(error) == ROW_CHANGED:
                current = error.params["current"]
                return self.changed_meanwhile(form, current) if current is not None else self.deleted_meanwhile()
            add_service_errors(form, error)
            return self.respond("form", self.form_context(form), status=422)
        return self.written(focus=self.kwargs["row"])

    def changed_meanwhile(self, form, current):
        """Both versions: theirs (saved) beside yours (kept in the form, which now saves over theirs). When they
        differ in nothing the form shows, there is nothing of theirs to lose: yours is saved."""
        theirs = self.form(instance=current)
        fingerprint = theirs.initial["fingerprint"]
        differences = row_differences(yours=form, theirs=theirs)
        if not differences:
            try:
                self.table.update(user=self.request.user, row=current, form=form, fingerprint=fingerprint)
            except ValidationError as error:
                add_service_errors(form, error)
                return self.respond("form", self.form_context(form), status=422)
            return self.written(focus=self.kwargs["row"])
        form.data = form.data.copy()
        form.data["fingerprint"] = fingerprint  # saving again replaces theirs with yours, knowingly
        context = self.form_context(form)
        context.update(
            message=CHANGED_MESSAGE.format(noun=self.table.noun),
            differences=differences,
            changed_by=last_change(current),
        )
        return self.respond("form", context, status=409)

    def deleted_meanwhile(self):
        """The save of a row deleted meanwhile: the text stays in the form, which now adds it as a new row."""
        form = self.form(data=self.request.POST)
        context = self.context(form=form, update_url=self.url("row_create"), deleted=True)
        context["message"] = DELETED_MESSAGE.format(noun=self.table.noun)
        return self.respond("form", context, status=409)


class RowDeleteView(TableEditorView):
    """POST: delete a row (a step with its sub-steps)."""

    http_method_names = ["post"]

    def write(self):
        row = self.get_row_or_none()
        if row is None:
            return self.gone()
        form = RowActionForm(self.request.POST)
        if not form.is_valid() or not form.cleaned_data["fingerprint"]:
            return self.respond("table", self.table_context(message=INCOMPLETE_MESSAGE), status=400)
        fingerprint = form.cleaned_data["fingerprint"]
        try:
            self.table.delete(user=self.request.user, use_case=self.use_case, row=row, fingerprint=fingerprint)
        except ValidationError as error:
            return self.refused(error)
        return self.written()


class RowMoveView(TableEditorView):
    """POST: move a row one place up or down among its siblings (sub-steps among the sub-steps of their step)."""

    http_method_names = ["post"]

    def write(self):
        if not self.table.ordered:
            raise Http404(f"The {self.table.title} table keeps its own order.")
        row = self.get_row_or_none()
        if row is None:
            return self.gone()
        form = RowActionForm(self.request.POST)
        if not form.is_valid() or not form.cleaned_data["direction"] or not form.cleaned_data["order"]:
            return self.respond("table", self.table_context(message=INCOMPLETE_MESSAGE), status=400)
        shown = list(usecase_row_siblings(row).order_by("position", "pk"))
        siblings = list(shown)
        index = next(index for index, sibling in enumerate(siblings) if sibling.pk == row.pk)
        other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
        if not 0 <= other < len(siblings):
            return self.respond("table", self.table_context()) if is_htmx(self.request) else redirect(self.page_url)
        siblings[index], siblings[other] = siblings[other], siblings[index]
        try:
            self.table.reorder(
                user=self.request.user,
                use_case=self.use_case,
                rows=siblings,
                shown=shown,
                order=form.cleaned_data["order"],
            )
        except ValidationError as error:
            return self.refused(error)
        return self.written(focus=self.kwargs["row"])
