"""Row forms of section 4: the scenarios and their steps, whose actors are the use case's and whose information
objects and requirements are the libraries' (token fields, pickers.py), a step nested under another of its
scenario."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from actors.models import Actor
from requirements.models import Requirement
from usecases.authoring.forms.base import TEXT, RowForm
from usecases.models import InformationObject, Scenario, Step
from usecases.selectors import step_rows, step_tree


def usecase_actors(use_case) -> Any:
    """The library actors that take part in the use case (3.1): what its scenarios and steps may name."""
    return Actor.objects.filter(roles__use_case=use_case).order_by("name")


def next_number(numbers: Iterable[str]) -> str:
    """The number after `numbers` (those of a scenario's steps, or of a use case's scenarios): the next one where
    they are numbered 1, 2, ... (by hand or, left empty, by their place); empty where they are numbered otherwise."""
    numbers = [number.strip() for number in numbers]
    if not all(number.isdigit() or not number for number in numbers):
        return ""
    return str(max([len(numbers), *(int(number) for number in numbers if number)]) + 1)


class PlainSelect(forms.Select):
    """A select written in Python rather than through a template per option: a step's "Sub-step of" offers every
    step of its scenario, and a template per option took seconds for a scenario of a thousand steps."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            "<option{}>{}</option>",
            (
                (flatatt({"value": option["value"], **option["attrs"]}), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options)


class ScenarioForm(RowForm):
    template_table = "scenarios"

    class Meta:
        model = Scenario
        fields = ["number", "name", "description", "primary_actors", "requirements"]
        widgets = {"description": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and not self.initial.get("number"):
            self.initial["number"] = self.next_number()

    def next_number(self) -> str:
        """The number for a new last scenario: the next one where the scenarios are numbered 1, 2, ... (or not at
        all); empty where they are numbered otherwise."""
        return next_number(Scenario.objects.filter(use_case=self.use_case).values_list("number", flat=True))

    def limit_choices(self) -> None:
        self.fields["primary_actors"].queryset = usecase_actors(self.use_case)
        self.fields["requirements"].queryset = Requirement.objects.order_by("identifier", "name", "pk")
        self.pickers(actors=("primary_actors",), libraries={"requirements": "requirements"})


class StepForm(RowForm):
    """A step of the scenario: producers and receivers among the use case's actors, information objects and
    requirements from the libraries (token fields with type-ahead, pickers.py; new objects named under them, as
    many as needed, with ID, name and, for a requirement, category), and a parent step of the same scenario to nest
    it under."""

    # The fields under which new library objects are named: (the inputs' prefix, the noun, with a category).
    NEW_OBJECTS = {
        "information_objects": ("new_information", "information", False),
        "requirements": ("new_requirement", "requirement", True),
    }
    template_table = "steps"

    class Meta:
        model = Step
        fields = [
            "number",
            "parent",
            "event",
            "name",
            "description",
            "service",
            "producers",
            "receivers",
            "information_objects",
            "requirements",
        ]
        widgets = {"event": TEXT, "description": TEXT}
        labels = {"parent": "Sub-step of"}
        help_texts = {
            "number": "Left empty, the page numbers the step by its place, but it has no number of its own: an "
            "exported file carries none, and the validation warns (“Step without number”)."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            return
        if self.instance.pk is not None and not self.instance.number.strip():
            # What the validation's "step without number" says the step is shown as, so that saving numbers it.
            shown = self.shown_number()
            self.initial["number"] = shown
            help_text = f"The step had no number; the page showed it as {shown}, by its place. Saved, it is its own."
            self.fields["number"].help_text = help_text
        elif self.instance.pk is None and self.scenario is not None and not self.initial.get("number"):
            self.initial["number"] = self.next_number()

    def next_number(self) -> str:
        """The number for a new last step of the scenario itself: the next one where its steps are numbered 1, 2, ...
        (by hand or by their place); empty where they are numbered otherwise (A, B, ...)."""
        return next_number(Step.objects.filter(scenario=self.scenario, parent=None).values_list("number", flat=True))

    def shown_number(self) -> str:
        steps = Step.objects.filter(scenario=self.scenario).order_by("position", "pk")
        return next(node.number for node in step_rows(step_tree(steps)) if node.step.pk == self.instance.pk)

    def limit_choices(self) -> None:
        parents = Step.objects.filter(scenario=self.scenario).order_by("position", "pk")
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "(a step of the scenario itself)"
        self.fields["parent"].widget = PlainSelect(choices=self.fields["parent"].choices)
        self.fields["producers"].queryset = usecase_actors(self.use_case)
        self.fields["receivers"].queryset = usecase_actors(self.use_case)
        self.fields["information_objects"].queryset = InformationObject.objects.order_by("identifier", "name", "pk")
        self.fields["requirements"].queryset = Requirement.objects.order_by("identifier", "name", "pk")
        self.fields["service"].widget.attrs["list"] = self.list_id("service")
        self.pickers(
            actors=("producers", "receivers"),
            libraries={"information_objects": "information", "requirements": "requirements"},
        )
        for name, (key, noun, category) in self.NEW_OBJECTS.items():
            self.new_objects(name, key=key, noun=noun, category=category)

    @property
    def datalists(self) -> list[tuple[str, list[str]]]:
        return [(self.list_id("service"), list(Step.Service.values))]

    def clean(self):
        cleaned = super().clean()
        for name in self.NEW_OBJECTS:
            self.pick_or_add_new(name)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        for name in self.NEW_OBJECTS:
            named = [item for item in self.library_objects(name) if item not in data[name]]
            data[name] = [*data[name], *dict.fromkeys(named)]
        return data
