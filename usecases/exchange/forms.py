"""The upload form of the import page. It parses input; the import service checks rights and the file."""

from django import forms

from usecases.models import Workspace

POLICY_CHOICES = [
    ("update", "Update them with the file's content (rows matched by mRID; unchanged rows are not rewritten)"),
    ("skip", "Leave them as they are"),
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="IEC 62559-3 XML file, Excel workbook or Word document",
        help_text="Variant C (Modsarus, BRIDGE, OneNet, UCMR exports), the 2015 draft (variant B), an OFFIS UCMR "
        "export (variant D), a workbook of the BRIDGE IEC 62559-2 Excel template (.xlsx, .xlsm), or a Word document "
        "in the IEC 62559-2 template, NIST 2014 or TC8 2012 layout (.docx, .docm). Macros never run.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml,.xlsx,.xlsm,.docx,.docm"}),
    )
    workspace = forms.ModelChoiceField(
        queryset=Workspace.objects.none(),
        required=False,
        help_text="Where new use cases go. Use cases already in the repository stay where they are.",
    )
    policy = forms.ChoiceField(
        choices=POLICY_CHOICES, initial="update", widget=forms.RadioSelect, label="Use cases already in the repository"
    )
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Dry run first",
        help_text="Read the file and show what the import would do; nothing is written until you confirm.",
    )

    def __init__(self, *args, workspaces, as_file_says: bool, **kwargs):
        """`workspaces`: those the user may add use cases to; `as_file_says`: the user may create the workspaces a
        file names (otherwise a workspace must be chosen)."""
        super().__init__(*args, **kwargs)
        field = self.fields["workspace"]
        field.queryset = workspaces
        field.required = not as_file_says
        field.empty_label = "As the file says (else “Imported use cases”)" if as_file_says else None
