"""Forms for tenders (with their lots and screening policy) and bid uploads.

The forms only collect and check input; the services in procurement.services write it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import conf as screening_conf
from screening.choices import ListKind, NetworkDomain, Severity
from screening.display import rule_title
from screening.engine.bom import IGNORE_COLUMN, BomReader, field_named
from screening.engine.policy import RULES
from screening.engine.records import BomReadError, NoHeaderError
from screening.engine.records import Field as BomField
from screening.engine.records import NetworkDomain as EngineDomain
from screening.engine.records import Severity as EngineSeverity
from screening.forms import MultipleFileField, validate_upload
from screening.messages import message_text
from screening.services.screenings import read_limits

from .choices import Role
from .models import NO_DOMAIN, REVIEW_THRESHOLD_MAX, REVIEW_THRESHOLD_MIN, Lot, Organisation, Tender
from .selectors import column_mapping_for, supplier_lists_visible

# What an officer may say a column holds, by the names shown in the form's help.
COLUMN_FIELDS = (
    BomField.MANUFACTURER, BomField.SUPPLIER, BomField.SUBCONTRACTOR, BomField.COUNTRY, BomField.PART_NUMBER,
    BomField.MPN, BomField.DESCRIPTION, BomField.QUANTITY, BomField.UNIT, BomField.UNIT_PRICE, BomField.TOTAL_PRICE,
    BomField.CURRENCY, BomField.DOMAIN, BomField.LINE,
)
_COLUMN_EXAMPLE = '"Firma = manufacturer"'

# Columns of the severity table: a line with no domain first, then every network domain.
SEVERITY_DOMAINS: list[tuple[str, str]] = [(NO_DOMAIN, _("No domain")), *NetworkDomain.choices]


def severity_field_name(rule_code: str, domain: str) -> str:
    return f"severity__{rule_code}__{domain or 'none'}"


def rule_default_severity(rule_code: str, domain: str) -> str:
    return RULES[rule_code].default_severity(EngineDomain(domain) if domain else None).value


def severity_choices(rule_code: str) -> list[tuple[str, str]]:
    """The severities a rule may be given: none above its cap (a product category never blocks)."""
    cap = RULES[rule_code].max_severity.rank
    return [(value, label) for value, label in Severity.choices if EngineSeverity(value).rank <= cap]


class TenderForm(forms.ModelForm):
    """A tender and its screening policy. The severity table has one select per rule and network domain."""

    class Meta:
        model = Tender
        fields = [
            "reference",
            "title",
            "description",
            "submission_deadline",
            "status",
            "restricted_lists",
            "trusted_lists",
            "review_threshold",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "submission_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "restricted_lists": forms.CheckboxSelectMultiple,
            "trusted_lists": forms.CheckboxSelectMultiple,
            "review_threshold": forms.NumberInput(
                attrs={"step": "0.01", "min": REVIEW_THRESHOLD_MIN, "max": REVIEW_THRESHOLD_MAX}
            ),
        }
        # The model's field names, as the form shows them in the reader's language (no migration needed).
        labels = {
            "reference": _("Reference"),
            "title": _("Title"),
            "description": _("Description"),
            "submission_deadline": _("Submission deadline"),
            "status": _("Status"),
            "restricted_lists": _("Restricted lists"),
            "trusted_lists": _("Trusted lists"),
            "review_threshold": _("Review threshold"),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["restricted_lists"].queryset = supplier_lists_visible(
            organisation=organisation, kind=ListKind.RESTRICTED
        )
        self.fields["trusted_lists"].queryset = supplier_lists_visible(organisation=organisation, kind=ListKind.TRUSTED)
        for name in ("restricted_lists", "trusted_lists"):
            self.fields[name].help_text = format_lazy(
                "{} {}", self.fields[name].help_text,
                _("Leave both empty to use every active list your organisation may use."),
            )
        self.fields["submission_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        overrides = self.instance.severity_overrides or {}
        for code in RULES:
            for domain, domain_label in SEVERITY_DOMAINS:
                default = rule_default_severity(code, domain)
                self.fields[severity_field_name(code, domain)] = forms.ChoiceField(
                    label=f"{rule_title(code)}, {domain_label}",
                    choices=[
                        ("", gettext("Default (%(severity)s)") % {"severity": Severity(default).label.lower()}),
                        *severity_choices(code),
                    ],
                    required=False,
                    initial=overrides.get(code, {}).get(domain, ""),
                )

    def severity_rules(self) -> list[tuple[str, str]]:
        """The table's columns: (rule code, title)."""
        return [(code, rule_title(code)) for code in RULES]

    def severity_table(self) -> list[dict]:
        """The table's rows for the template: one per network domain, a bound select per rule."""
        return [
            {"domain": domain, "label": label, "cells": [self[severity_field_name(code, domain)] for code in RULES]}
            for domain, label in SEVERITY_DOMAINS
        ]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Tender.objects.filter(organisation=self.organisation, reference__iexact=reference)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(
                gettext("Your organisation already has a tender with the reference %(reference)s.")
                % {"reference": reference}
            )
        return reference

    def clean(self):
        cleaned = super().clean()
        overrides: dict[str, dict[str, str]] = {}
        for code in RULES:
            for domain, _label in SEVERITY_DOMAINS:
                severity = cleaned.pop(severity_field_name(code, domain), "")
                if severity:
                    overrides.setdefault(code, {})[domain] = severity
        cleaned["severity_overrides"] = overrides
        return cleaned

    def tender_data(self) -> dict:
        """What tender_create / tender_update take."""
        names = [*self.Meta.fields, "severity_overrides"]
        return {name: self.cleaned_data[name] for name in names}


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["number", "title", "domain"]
        widgets = {"number": forms.NumberInput(attrs={"min": 1, "style": "width: 5em"})}
        labels = {"number": _("Number"), "title": _("Title"), "domain": _("Domain")}


class BaseLotFormSet(forms.BaseInlineFormSet):
    def lot_specs(self) -> list[dict]:
        """The lots the tender should have after saving: every filled-in form not marked for deletion."""
        specs = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            specs.append(
                {"id": form.instance.pk, "number": data["number"], "title": data["title"], "domain": data["domain"]}
            )
        return specs


def lot_formset(*, extra: int):
    return forms.inlineformset_factory(
        Tender, Lot, form=LotForm, formset=BaseLotFormSet, extra=extra, can_delete=True, min_num=0
    )


class BidForm(forms.Form):
    """A bid: who bids for which lots, with its bills of materials and an optional subcontractor declaration."""

    bidder_name = forms.CharField(label=_("Bidder company name"), max_length=300)
    bidder_country = forms.CharField(
        label=_("Bidder country"), max_length=2, required=False, help_text=_("Two letters (ISO 3166-1), e.g. DE.")
    )
    bidder_registration = forms.CharField(label=_("Registration number"), max_length=100, required=False)
    lots = forms.ModelMultipleChoiceField(
        queryset=Lot.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Lots bid for")
    )
    boms = MultipleFileField(
        label=_("Bill of materials files"),
        help_text=_("xlsx, xlsm, xls, ods or csv; choose several at once if the bid has several."),
    )
    declaration = forms.FileField(
        label=_("Subcontractor declaration"),
        required=False,
        help_text=_("Optional: a sheet with Contractor and Subcontractor columns."),
    )
    columns = forms.CharField(
        label=_("Columns named by hand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Firma = manufacturer"}),
        help_text=format_lazy(
            _("Only for columns this tool does not recognise: one per line, the header as written = what it holds, "
              "e.g. {example}. It can hold {fields}, or {ignore} to leave the column out. Remembered for this "
              "bidder's next files."),
            example=_COLUMN_EXAMPLE, fields=", ".join(f.value for f in COLUMN_FIELDS), ignore=IGNORE_COLUMN,
        ),
    )

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.fields["lots"].queryset = tender.lots.all()
        accept = ",".join(screening_conf.get("ALLOWED_EXTENSIONS"))
        self.fields["boms"].widget.attrs["accept"] = accept
        self.fields["declaration"].widget.attrs["accept"] = accept

    def clean_bidder_country(self):
        country = self.cleaned_data["bidder_country"].strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise ValidationError(_("Give the country as two letters (ISO 3166-1), e.g. DE."))
        return country

    def clean_boms(self):
        files = self.cleaned_data["boms"]
        if not files:
            raise ValidationError(_("Choose at least one bill of materials."))
        errors = []
        for upload in files:
            try:
                validate_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean_declaration(self):
        upload = self.cleaned_data.get("declaration")
        if upload:
            validate_upload(upload)
        return upload

    def clean_columns(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        errors = []
        for number, line in enumerate(self.cleaned_data["columns"].splitlines(), start=1):
            if not line.strip():
                continue
            header, sep, name = line.rpartition("=")
            header, name = " ".join(header.split()), name.strip()
            if not sep or not header or not name:
                errors.append(
                    gettext('Line %(number)s ("%(line)s"): write the header as written = what it holds, '
                            "e.g. %(example)s.")
                    % {"number": number, "line": line.strip(), "example": _COLUMN_EXAMPLE}
                )
                continue
            if name.lower() == IGNORE_COLUMN:
                mapping[header] = IGNORE_COLUMN
                continue
            found = field_named(name)
            if found is None:
                errors.append(
                    gettext('Line %(number)s: "%(name)s" is not something this tool reads from a column; use one of '
                            "%(fields)s or %(ignore)s.")
                    % {"number": number, "name": name, "fields": ", ".join(f.value for f in COLUMN_FIELDS),
                       "ignore": IGNORE_COLUMN}
                )
                continue
            mapping[header] = found.value
        if errors:
            raise ValidationError(errors)
        return mapping

    def clean(self):
        cleaned = super().clean()
        boms, bidder = cleaned.get("boms"), cleaned.get("bidder_name")
        if boms and bidder and "columns" in cleaned:
            # A BOM whose company columns nobody can recognise would screen nothing: say so now, while the officer
            # can still name the column, rather than after the upload as a failed screening.
            remembered = column_mapping_for(organisation=self.tender.organisation, bidder_name=bidder)
            mapping = {**remembered, **cleaned["columns"]}
            for upload in boms:
                problem = _unrecognised_columns(upload, mapping)
                if problem:
                    self.add_error("columns", problem)
        return cleaned


def _unrecognised_columns(upload, mapping: dict[str, str]) -> str:
    """Why no column of the upload could be read as a company, or "" (other problems are the screening's to
    report, with the file kept)."""
    try:
        with BomReader(upload, filename=upload.name, limits=read_limits(), extra_headers=mapping):
            return ""
    except NoHeaderError as error:
        return gettext(
            "%(file)s: no column of manufacturers, suppliers or subcontractors was recognised (found: %(found)s). "
            "Name the column that holds the companies here, e.g. %(example)s, and choose the files again."
        ) % {"file": upload.name, "found": message_text(error.found_text), "example": _COLUMN_EXAMPLE}
    except (BomReadError, ValueError):
        return ""
    finally:
        upload.seek(0)


class ApiClientForm(forms.Form):
    name = forms.CharField(max_length=100, help_text=_("The system that will call the API, e.g. 'E-procurement'."))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.OFFICER,
                             help_text=_("What it may do: officers upload bids, reviewers decide on findings."))

class BulkUploadForm(forms.Form):
    """Many bids at once: a ZIP of BOM files or a workbook with one sheet per bidder (checked by the service)."""

    file = forms.FileField(
        label=_("Archive or workbook"),
        help_text=_("A .zip of BOM files (with a manifest, or each file named after its bidder), or a workbook "
                    "(.xlsx, .xlsm, .xls, .ods) with one sheet per bidder."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".zip,.xlsx,.xlsm,.xls,.ods"
