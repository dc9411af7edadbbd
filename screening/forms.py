"""Forms for uploading BOMs and importing lists: type and size are checked before anything is stored."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from . import conf
from .choices import ListKind, NetworkDomain
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


def validate_upload(upload, *, extensions=None) -> None:
    """Refuse a file by name and size before it is stored; its content is checked by the reader later."""
    extensions = extensions or conf.get("ALLOWED_EXTENSIONS")
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in extensions:
        raise ValidationError(
            f"{upload.name}: files of type '{suffix or 'none'}' are not screened. "
            f"Upload one of: {', '.join(extensions)}."
        )
    limit = conf.get("MAX_UPLOAD_BYTES")
    if upload.size > limit:
        raise ValidationError(
            f"{upload.name} is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}. "
            "Split the workbook, or ask your administrator to raise SCREENING_MAX_UPLOAD_BYTES."
        )
    if upload.size == 0:
        raise ValidationError(f"{upload.name} is empty.")


class ScreeningUploadForm(forms.Form):
    boms = MultipleFileField(label="Bill of materials files", help_text="xlsx, xlsm, xls, ods or csv; several at once.")
    declaration = forms.FileField(
        label="Subcontractor declaration",
        required=False,
        help_text="Optional: a sheet with Contractor and Subcontractor columns.",
    )
    bidder = forms.CharField(max_length=300, required=False, help_text="The tenderer, top of the chain.")
    lists = forms.ModelMultipleChoiceField(
        queryset=SupplierList.objects.filter(versions__isnull=False).distinct(),
        required=False,
        help_text="Leave empty to use every active list.",
    )
    default_domain = forms.ChoiceField(
        choices=[("", "—")] + NetworkDomain.choices,
        required=False,
        help_text="Network domain for lines that name none (the lot's domain).",
    )

    def clean_boms(self):
        files = self.cleaned_data["boms"]
        if not files:
            raise ValidationError("Choose at least one bill of materials.")
        for upload in files:
            validate_upload(upload)
        return files

    def clean_declaration(self):
        upload = self.cleaned_data.get("declaration")
        if upload:
            validate_upload(upload)
        return upload


class ListImportForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="A new name creates the list; an existing one adds a version.")
    kind = forms.ChoiceField(choices=ListKind.choices)
    publisher = forms.CharField(max_length=200, required=False)
    file = forms.FileField(help_text="CSV or XLSX: name, aliases, country, parent, relation, reason, source.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, extensions=(".csv", ".xlsx", ".xls", ".ods", ".txt"))
        return upload
