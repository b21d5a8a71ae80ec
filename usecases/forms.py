"""Forms of the use case, workspace and library pages. They parse input; the services validate and write, and
their refusals are shown on the form (ucmr.editing.add_service_errors)."""

from django import forms

from usecases.access import SHARE_PERMISSIONS
from usecases.authoring.conflicts import row_fingerprint
from usecases.models import CommonTerm, InformationObject, UseCase, WorkspaceMembership
from usecases.template import field_labels

TEXT_AREA = forms.Textarea(attrs={"rows": 3})
USECASE_FIELDS = [
    "identifier",
    "name",
    "area",
    "scope",
    "short_description",
    "complete_description",
    "level_of_depth",
    "prioritisation",
    "classification",
    "nature",
    "view_point",
    "keywords",
]


def _template_labels(form: forms.BaseForm) -> None:
    """Label the use case's fields as the template does (usecases.template)."""
    for name, label in field_labels().items():
        if name in form.fields:
            form.fields[name].label = label


class UseCaseForm(forms.ModelForm):
    """The scalar fields of sections 1.1 to 1.7, labelled as the template labels them. The status is the workflow's;
    the tables are edited row by row. `fingerprint` is these fields as the page loaded them
    (usecases/authoring/conflicts.py): saving over someone's change of them is refused; a change of a table meanwhile
    (which moves the revision on) is not."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = UseCase
        fields = USECASE_FIELDS
        widgets = dict.fromkeys(("scope", "short_description", "complete_description"), TEXT_AREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _template_labels(self)
        self.fields["fingerprint"].initial = self.fingerprint_of(self.instance)

    @staticmethod
    def fingerprint_of(use_case: UseCase) -> str:
        return row_fingerprint(use_case, only=USECASE_FIELDS)


class UseCaseCreateForm(forms.ModelForm):
    """A new use case in one of the workspaces the user may add use cases to."""

    class Meta:
        model = UseCase
        fields = ["workspace", *USECASE_FIELDS]
        widgets = dict.fromkeys(("scope", "short_description", "complete_description"), TEXT_AREA)

    def __init__(self, *args, workspaces, **kwargs):
        super().__init__(*args, **kwargs)
        _template_labels(self)
        self.fields["workspace"].queryset = workspaces


class TransitionForm(forms.Form):
    """A workflow step posted from the use case page, with the revision the page showed."""

    revision = forms.IntegerField()
    comment = forms.CharField(required=False, max_length=5000)
    list_in_version_table = forms.BooleanField(required=False)


class ShareForm(forms.Form):
    kind = forms.ChoiceField(choices=[("user", "User"), ("group", "Group")], initial="user", label="Share with")
    name = forms.CharField(max_length=150, label="Username or group name")
    permission = forms.ChoiceField(
        choices=[(key, f"may {key}") for key in SHARE_PERMISSIONS], initial="view", label="Permission"
    )


class UnshareForm(forms.Form):
    kind = forms.ChoiceField(choices=[("user", "User"), ("group", "Group")])
    grant = forms.IntegerField()


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=WorkspaceMembership.Role.choices)


class VersionCompareForm(forms.Form):
    """Two frozen versions (by number), or the use case as it is now ("current")."""

    old = forms.ChoiceField(label="From")
    new = forms.ChoiceField(label="To")

    def __init__(self, *args, sequences: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [*sequences, ("current", "Current (not frozen)")]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class InformationObjectForm(forms.ModelForm):
    class Meta:
        model = InformationObject
        fields = ["identifier", "name", "description", "data_class", "standards", "requirements"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class CommonTermForm(forms.ModelForm):
    class Meta:
        model = CommonTerm
        fields = ["term", "definition"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}
