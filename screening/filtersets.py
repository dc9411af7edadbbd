"""One FilterSet per listable model, shared by the web pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from screening.choices import Decision, NetworkDomain, Severity
from screening.engine.policy import RULES
from screening.engine.records import PARTY_FIELDS, Field
from screening.models import AuditEntry, Entity, Finding, ListVersion, StandingException

SEVERITY_RANK = Case(
    *[When(severity=s.value, then=Value(rank)) for rank, s in enumerate(reversed(Severity))],
    default=Value(-1),
    output_field=IntegerField(),
)

DECISION_FILTER_CHOICES = [("open", "Open"), (Decision.CONFIRMED, "Confirmed"), (Decision.DISMISSED, "Dismissed")]

FIELD_LABELS = {
    Field.MANUFACTURER.value: "Manufacturer",
    Field.SUPPLIER.value: "Supplier",
    Field.SUBCONTRACTOR.value: "Subcontractor",
}


def rule_choices() -> list[tuple[str, str]]:
    from screening.display import rule_title

    return [(code, rule_title(code)) for code in RULES]


class FindingOrdering(django_filters.OrderingFilter):
    """Sorts by the severity's rank (critical first), not alphabetically, and then by place in the file."""

    def build_choices(self, fields, labels):
        # django-filter formats "… (descending)" when the class is defined, in English: keep both labels lazy.
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [(f"-{param}", format_lazy(_("{label} (descending)"), label=label)) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def filter(self, qs, value):
        if value and any(v.lstrip("-") == "severity" for v in value):
            qs = qs.annotate(severity_rank=SEVERITY_RANK)
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "file_name", "sheet", "row", "pk")
        return qs


class FindingFilterSet(django_filters.FilterSet):
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, widget=forms.CheckboxSelectMultiple, label=_("Severity")
    )
    rule = django_filters.ChoiceFilter(choices=rule_choices, label=_("Rule"), empty_label=_("Any rule"))
    sheet = django_filters.CharFilter(label=_("Sheet"))
    field = django_filters.ChoiceFilter(
        choices=[(f.value, FIELD_LABELS[f.value]) for f in PARTY_FIELDS], label=_("Column kind"), empty_label=_("Any")
    )
    domain = django_filters.ChoiceFilter(choices=NetworkDomain.choices, label=_("Domain"), empty_label=_("Any"))
    decision = django_filters.ChoiceFilter(
        choices=DECISION_FILTER_CHOICES, method="filter_decision", label=_("Decision"), empty_label=_("Any")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Text"))
    ordering = FindingOrdering(
        fields=(
            ("severity_rank", "severity"),
            ("row", "row"),
            ("sheet", "sheet"),
            ("rule", "rule"),
            ("score", "score"),
            ("entity__name", "entity"),
            ("party", "party"),
            ("decision", "decision"),
        ),
        field_labels={
            "severity_rank": _("Severity"),
            "row": _("Row"),
            "sheet": _("Sheet"),
            "rule": _("Rule"),
            "score": _("Score"),
            "entity__name": _("Listed entity"),
            "party": _("Party"),
            "decision": _("Decision"),
        },
        label=_("Sort by"),
        empty_label=_("Severity, then place in the file"),
    )

    class Meta:
        model = Finding
        fields = ["severity", "rule", "sheet", "field", "domain", "decision"]

    def filter_decision(self, queryset, name, value):
        return queryset.filter(decision="" if value == "open" else value)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(value__icontains=value) | Q(party__icontains=value) | Q(entity__name__icontains=value))

    @property
    def qs(self):
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("ordering"):
            queryset = queryset.annotate(severity_rank=SEVERITY_RANK).order_by(
                "-severity_rank", "file_name", "sheet", "row", "field", "pk"
            )
        return queryset


class EntityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_name", label=_("Name or alias"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country"))

    class Meta:
        model = Entity
        fields = ["q", "country"]

    def filter_name(self, queryset, name, value):
        from screening.selectors import entity_ids_matching

        versions = ListVersion.objects.filter(pk__in=queryset.values_list("version_id", flat=True).distinct())
        return queryset.filter(pk__in=entity_ids_matching(versions=versions, query=value))


class StandingExceptionFilterSet(django_filters.FilterSet):
    STATE_CHOICES = [("active", "Active"), ("revoked", "Revoked")]

    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label=_("State"), empty_label=_("All")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Value or entity"))

    class Meta:
        model = StandingException
        fields = ["state", "q"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=(value == "active"))

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(value__icontains=value) | Q(entity_name__icontains=value))


class AuditEntryFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action"))

    class Meta:
        model = AuditEntry
        fields = ["action"]
