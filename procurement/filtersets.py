"""Filters for the tender list (one FilterSet per listable model, shared by the web list and any API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import TenderStatus
from .models import Tender


class TenderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Reference or title"))
    status = django_filters.ChoiceFilter(choices=TenderStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = Tender
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
