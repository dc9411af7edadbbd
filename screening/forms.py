"""Forms for uploading BOMs and importing lists: type and size are checked before anything is stored."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import conf
from .choices import Decision, ListFormat, ListKind, NetworkDomain
from .engine.records import FileSize, Message
from .messages import message_text
from .models import SupplierList


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def upload_problem(upload, *, extensions=None) -> Message | None:
    """Why a file is refused by its name or size before it is stored, or None; its content is checked by the reader
    later. A message with its template, so that a problem stored for later (a bulk upload's) is shown translated."""
    extensions = extensions or conf.get("ALLOWED_EXTENSIONS")
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in extensions:
        return Message(gettext_noop("{name}: files of type '{suffix}' are not screened. Upload one of: {extensions}."),
                       {"name": upload.name, "suffix": suffix or Message(gettext_noop("none")),
                        "extensions": ", ".join(extensions)})
    limit = conf.get("MAX_UPLOAD_BYTES")
    if upload.size > limit:
        return Message(gettext_noop(
            "{name} is {size}; the limit is {limit}. Split the workbook, or ask your administrator to raise "
            "SCREENING_MAX_UPLOAD_BYTES."
        ), {"name": upload.name, "size": FileSize(upload.size), "limit": FileSize(limit)})
    if upload.size == 0:
        return Message(gettext_noop("{name} is empty."), {"name": upload.name})
    return None


def validate_upload(upload, *, extensions=None) -> None:
    """Refuse a file by name and size before it is stored (upload_problem), in the reader's language."""
    problem = upload_problem(upload, extensions=extensions)
    if problem is not None:
        raise ValidationError(message_text(problem))


class ScreeningUploadForm(forms.Form):
    boms = MultipleFileField(
        label=_("Bill of materials files"), help_text=_("xlsx, xlsm, xls, ods or csv; several at once.")
    )
    declaration = forms.FileField(
        label=_("Subcontractor declaration"),
        required=False,
        help_text=_("Optional: a sheet with Contractor and Subcontractor columns."),
    )
    bidder = forms.CharField(max_length=300, required=False, help_text=_("The tenderer, top of the chain."))
    lists = forms.ModelMultipleChoiceField(
        queryset=SupplierList.objects.filter(versions__isnull=False).distinct(),
        required=False,
        help_text=_("Leave empty to use every active list."),
    )
    default_domain = forms.ChoiceField(
        choices=[("", "—")] + NetworkDomain.choices,
        required=False,
        help_text=_("Network domain for lines that name none (the lot's domain)."),
    )

    def clean_boms(self):
        files = self.cleaned_data["boms"]
        if not files:
            raise ValidationError(_("Choose at least one bill of materials."))
        for upload in files:
            validate_upload(upload)
        return files

    def clean_declaration(self):
        upload = self.cleaned_data.get("declaration")
        if upload:
            validate_upload(upload)
        return upload


# What a list file may be called: the project's CSV/XLSX, FollowTheMoney JSON lines, the CSL's JSON and CSV.
LIST_EXTENSIONS = (".csv", ".xlsx", ".xls", ".ods", ".txt", ".json", ".jsonl", ".ndjson", ".ftm")
LIST_FILE_HELP = _(
    "CSV or XLSX with the project's columns (name, aliases, country, parent, relation, reason, source; type, "
    "keywords, product_codes for product categories), OpenSanctions / FollowTheMoney entities (JSON lines), or "
    "the US Consolidated Screening List (JSON or CSV)."
)


def list_format_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Detect from the content")), *ListFormat.choices],
        required=False,
        help_text=_("Leave on “Detect” unless the file is read as the wrong format."),
    )


class ListImportForm(forms.Form):
    name = forms.CharField(max_length=200, help_text=_("A new name creates the list; an existing one adds a version."))
    kind = forms.ChoiceField(choices=ListKind.choices)
    publisher = forms.CharField(max_length=200, required=False)
    file = forms.FileField(help_text=LIST_FILE_HELP)
    list_format = list_format_field()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, extensions=LIST_EXTENSIONS)
        return upload


class FindingDecisionForm(forms.Form):
    """One or several findings of one screening, a decision and the reason for it."""

    findings = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Findings"),
        error_messages={"required": _("Tick at least one finding."), "invalid_choice": _("A finding was not found.")},
    )
    decision = forms.ChoiceField(
        choices=[(Decision.CONFIRMED, _("Confirm")), (Decision.DISMISSED, _("Dismiss")), ("open", _("Reopen"))],
        label=_("Decision"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("A decision needs a reason: write why, so that a reader can follow it later.")},
        help_text=_("Kept with the decision and in the audit log."),
    )
    save_exception = forms.BooleanField(
        required=False,
        label=_("Save as a standing exception"),
        help_text=_("Later screenings dismiss the same cell value against the same listed entity automatically."),
    )

    def __init__(self, *args, findings_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings_queryset

    def clean_decision(self):
        value = self.cleaned_data["decision"]
        return Decision.OPEN if value == "open" else Decision(value)

    def clean(self):
        data = super().clean()
        if data.get("save_exception") and data.get("decision") not in (None, Decision.DISMISSED):
            self.add_error("save_exception", _("Only a dismissal can be saved as a standing exception."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why: the reason is kept in the audit log.")},
    )


class WebListImportForm(forms.Form):
    """Import a version of a list the user may manage, or a new private list of their organisation."""

    supplier_list = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("List"),
        empty_label=_("A new list"),
        help_text=_("Add a version to one of your lists, or leave this as “A new list” and name it below."),
    )
    name = forms.CharField(max_length=200, required=False, label=_("Name of the new list"))
    kind = forms.ChoiceField(choices=ListKind.choices, required=False, label=_("Kind of the new list"))
    publisher = forms.CharField(max_length=200, required=False, label=_("Publisher"))
    file = forms.FileField(label=_("List file"), help_text=LIST_FILE_HELP)
    list_format = list_format_field()
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lists_queryset, may_create: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier_list"].queryset = lists_queryset
        self.may_create = may_create
        if not may_create:
            self.fields["supplier_list"].required = True
            self.fields["supplier_list"].empty_label = None
            for name in ("name", "kind"):
                del self.fields[name]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, extensions=LIST_EXTENSIONS)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("supplier_list") is None and self.may_create:
            if not data.get("name"):
                self.add_error("name", _("Name the new list, or choose one of your lists above."))
            elif SupplierList.objects.filter(name=data["name"]).exists():
                self.add_error("name", _("A list of this name exists already; choose another name."))
            if not data.get("kind"):
                self.add_error("kind", _("Say whether the new list is restricted or trusted."))
        return data
