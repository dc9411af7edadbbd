"""The Django admin for lists and screenings: import a list version, upload BOMs for screening, read findings.

Versions, entities and findings are evidence, so the admin shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .choices import FileRole
from .engine.policy import PolicyConfig
from .forms import ListImportForm, ScreeningUploadForm
from .messages import message_text
from .models import (
    AuditEntry,
    Entity,
    Finding,
    ListVersion,
    Relation,
    Screening,
    ScreeningError,
    StandingException,
    SupplierList,
    UploadedFile,
    WebhookDelivery,
    WebhookEndpoint,
)
from .services.lists import ListImportError, supplier_list_import
from .services.matching import list_versions_in_force
from .services.screenings import (
    screening_cancel,
    screening_rescreen,
    screening_start,
    uploaded_file_create,
)
from .services.webhooks import webhook_delete, webhook_delivery_redeliver, webhook_update


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ListVersionInline(ReadOnlyInline):
    model = ListVersion
    fields = ["number", "created_at", "source_filename", "entity_count", "relation_count", "imported_by", "note"]
    readonly_fields = fields


@admin.register(SupplierList)
class SupplierListAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "publisher", "is_active", "latest_version"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a bare "www.fcc.gov/..." is https
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "publisher"]
    inlines = [ListVersionInline]
    change_list_template = "admin/screening/supplierlist/change_list.html"

    def has_add_permission(self, request):
        return False  # lists are created by importing their first version

    @admin.display(description=_("Latest version"))
    def latest_version(self, obj):
        version = obj.current_version
        if version is None:
            return "—"
        return ngettext(
            "v%(number)s (%(count)s entity)", "v%(number)s (%(count)s entities)", version.entity_count
        ) % {"number": version.number, "count": version.entity_count}

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="screening_supplierlist_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm("screening.add_listversion"):
            raise PermissionDenied
        rejected = []
        initial = {}
        if "list" in request.GET:
            supplier_list = SupplierList.objects.filter(pk=request.GET["list"]).first()
            if supplier_list:
                initial = {"name": supplier_list.name, "kind": supplier_list.kind, "publisher": supplier_list.publisher}
        form = ListImportForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = supplier_list_import(
                    fileobj=upload,
                    filename=upload.name,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    publisher=form.cleaned_data["publisher"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    list_format=form.cleaned_data["list_format"] or None,
                )
            except ListImportError as error:
                rejected = [message_text(line) for line in error.messages()]
                form.add_error(
                    "file",
                    gettext("%(count)s record(s) rejected; nothing was imported. Correct them and upload again.")
                    % {"count": error.count},
                )
            else:
                self.message_user(
                    request,
                    (gettext("Imported %(version)s: %(entities)s entities, %(relations)s relations.")
                     % {"version": version, "entities": version.entity_count, "relations": version.relation_count}
                     + f" {message_text(version.import_notes_text, version.import_notes)}").strip(),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:screening_supplierlist_change", args=[version.supplier_list_id])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a list version"),
            "form": form,
            "rejected": rejected,
        }
        return TemplateResponse(request, "admin/screening/import_form.html", context)


class EntityInline(ReadOnlyInline):
    model = Entity
    fields = ["name", "aliases", "country", "reason", "source"]
    readonly_fields = fields
    show_change_link = True
    max_num = 0


@admin.register(ListVersion)
class ListVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_at", "entity_count", "relation_count", "source_filename", "imported_by"]
    list_filter = ["supplier_list"]
    readonly_fields = [
        "supplier_list",
        "number",
        "created_at",
        "source_filename",
        "sha256",
        "entity_count",
        "relation_count",
        "imported_by",
        "note",
    ]


class RelationInline(ReadOnlyInline):
    model = Relation
    fk_name = "child"
    fields = ["kind", "parent", "divested"]
    readonly_fields = fields
    verbose_name = _("owner or contractor")


@admin.register(Entity)
class EntityAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "version", "short_aliases"]
    list_filter = ["version__supplier_list", "country"]
    search_fields = ["name", "aliases"]
    list_select_related = ["version__supplier_list"]
    readonly_fields = [
        "version",
        "name",
        "aliases",
        "country",
        "registration_number",
        "lei",
        "reason",
        "source",
        "source_row",
    ]
    inlines = [RelationInline]

    @admin.display(description=_("Aliases"))
    def short_aliases(self, obj):
        return ", ".join(obj.aliases[:4]) + (" …" if len(obj.aliases) > 4 else "")


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = [
        "severity",
        "rule",
        "file_name",
        "sheet",
        "row",
        "field",
        "value",
        "entity",
        "score",
        "chain",
        "explanation_shown",
    ]
    readonly_fields = fields
    show_change_link = True
    classes = ["collapse"]

    @admin.display(description=_("Path"))
    def chain(self, obj):
        return " → ".join(obj.path)

    @admin.display(description=_("Explanation"))
    def explanation_shown(self, obj):
        return obj.translated_explanation

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class ScreeningErrorInline(ReadOnlyInline):
    model = ScreeningError
    fields = ["file_name", "sheet", "row", "column", "message_shown"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("Message"))
    def message_shown(self, obj):
        return obj.translated_message


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "verdict",
        "progress_display",
        "critical_count",
        "high_count",
        "medium_count",
        "low_count",
        "created_at",
    ]
    list_filter = ["status", "verdict"]
    search_fields = ["label", "bidder"]
    actions = ["cancel", "rescreen"]
    inlines = [ScreeningErrorInline, FindingInline]
    readonly_fields = [
        "label",
        "bidder",
        "status",
        "verdict",
        "progress_display",
        "rows_total",
        "rows_done",
        "chunks_total",
        "critical_count",
        "high_count",
        "medium_count",
        "low_count",
        "info_count",
        "error_count",
        "error_shown",
        "versions_used",
        "files_used",
        "policy",
        "created_by",
        "previous",
        "created_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["files", "list_versions", "chain_edges", "subject_type", "subject_id"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Error message"))
    def error_shown(self, obj):
        return obj.translated_error

    @admin.display(description=_("Progress"))
    def progress_display(self, obj):
        return f"{obj.rows_done} / {obj.rows_total} rows ({obj.progress:.0%})"

    @admin.display(description=_("List versions"))
    def versions_used(self, obj):
        return ", ".join(str(v) for v in obj.list_versions.select_related("supplier_list"))

    @admin.display(description=_("Files"))
    def files_used(self, obj):
        return format_html(
            "<br>".join(["{} ({}, sha256 {})"] * obj.files.count()),
            *[part for f in obj.files.all() for part in (f.original_name, f.get_role_display(), f.sha256[:16])],
        )

    @admin.action(description=_("Cancel the selected screenings"))
    def cancel(self, request, queryset):
        cancelled = sum(screening_cancel(screening=s, user=request.user) for s in queryset)
        self.message_user(request, gettext("Cancelled %(count)s screening(s).") % {"count": cancelled})

    @admin.action(description=_("Re-screen against the current list versions"))
    def rescreen(self, request, queryset):
        for screening in queryset:
            screening_rescreen(screening=screening, user=request.user)
        self.message_user(request, gettext("Started %(count)s screening(s).") % {"count": queryset.count()})

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ScreeningUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                files = [
                    uploaded_file_create(content=f, name=f.name, role=FileRole.BOM, user=request.user)
                    for f in data["boms"]
                ]
                if data["declaration"]:
                    files.append(
                        uploaded_file_create(
                            content=data["declaration"],
                            name=data["declaration"].name,
                            role=FileRole.DECLARATION,
                            user=request.user,
                        )
                    )
                versions = list_versions_in_force(lists=data["lists"]) if data["lists"] else None
                screening = screening_start(
                    files=files,
                    list_versions=versions,
                    policy=PolicyConfig(default_domain=data["default_domain"]),
                    bidder=data["bidder"],
                    user=request.user,
                )
            self.message_user(request, gettext("%(screening)s queued.") % {"screening": screening}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:screening_screening_change", args=[screening.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Screen a bill of materials"),
            "form": form,
            "rejected": [],
        }
        return TemplateResponse(request, "admin/screening/import_form.html", context)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["severity", "rule", "screening", "file_name", "sheet", "row", "field", "value", "entity", "score"]
    list_filter = ["severity", "rule", "field"]
    search_fields = ["value", "party"]
    list_select_related = ["entity", "screening"]
    readonly_fields = [
        "screening",
        "file_name",
        "sheet",
        "row",
        "column",
        "field",
        "value",
        "party",
        "rule",
        "severity",
        "domain",
        "entity",
        "score",
        "path",
        "explanation_shown",
        "cells",
        "decision",
        "decision_reason",
        "decided_by",
        "decided_at",
        "decided_by_exception",
        "carried_from",
    ]
    exclude = ["explanation"]

    @admin.display(description=_("Explanation"))
    def explanation_shown(self, obj):
        return obj.translated_explanation


@admin.register(UploadedFile)
class UploadedFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "role", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = ["original_name", "role", "size", "sha256", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


@admin.register(StandingException)
class StandingExceptionAdmin(ReadOnlyAdmin):
    """Read-only: exceptions are made and revoked on the review pages, where the audit log records both."""

    list_display = ["__str__", "scope", "created_by", "created_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["value", "entity_name"]
    readonly_fields = [
        "scope", "value", "value_key", "list_name", "entity_name", "reason", "created_by", "created_at",
        "source_finding", "revoked_at", "revoked_by", "revoke_reason",
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is append-only: nobody adds, changes or deletes entries here."""

    list_display = ["created_at", "actor_name", "action", "summary_shown", "scope"]
    list_filter = ["action", "scope"]
    search_fields = ["summary", "actor_name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at", "scope", "actor", "actor_name", "action", "summary_shown", "summary", "subject_type",
        "subject_id", "screening", "details",
    ]

    @admin.display(description=_("What happened"))
    def summary_shown(self, obj):
        """In the reader's language; `summary` below is the English record."""
        return obj.translated_summary

    def get_actions(self, request):
        return {}  # no "delete selected"


class WebhookDeliveryInline(ReadOnlyInline):
    model = WebhookDelivery
    fields = ["event_type", "event_id", "status", "attempts", "response_status", "error_shown", "created_at"]
    readonly_fields = fields
    ordering = ["-created_at"]

    @admin.display(description=_("Error"))
    def error_shown(self, obj):
        return obj.translated_error


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """API clients register endpoints through the API; staff can switch one off or delete it here (audited).
    The signing secret is never shown."""

    list_display = ["url", "owner", "scope", "events", "is_active", "created_at"]
    list_filter = ["is_active", "scope"]
    search_fields = ["url", "owner__username", "description"]
    fields = ["url", "owner", "scope", "events", "description", "is_active", "created_at"]
    readonly_fields = ["url", "owner", "scope", "events", "description", "created_at"]
    inlines = [WebhookDeliveryInline]

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        return {}  # deletions one at a time, through the service, so each is audited

    def save_model(self, request, obj, form, change):
        webhook_update(endpoint=WebhookEndpoint.objects.get(pk=obj.pk), user=request.user, is_active=obj.is_active)

    def delete_model(self, request, obj):
        webhook_delete(endpoint=obj, user=request.user)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: read-only; failed or delivered events can be sent again."""

    list_display = ["created_at", "event_type", "endpoint", "status", "attempts", "response_status", "delivered_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["endpoint__url", "event_id"]
    readonly_fields = [
        "endpoint", "event_id", "event_type", "event_key", "status", "attempts", "next_attempt_at", "last_attempt_at",
        "response_status", "response_body", "error_shown", "attempt_log", "payload", "created_at", "delivered_at",
    ]
    exclude = ["error"]
    actions = ["redeliver"]

    @admin.display(description=_("Error"))
    def error_shown(self, obj):
        return obj.translated_error

    @admin.action(description=_("Send the selected events again"))
    def redeliver(self, request, queryset):
        sent = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                webhook_delivery_redeliver(delivery=delivery, user=request.user)
                sent += 1
            except ValidationError as error:
                self.message_user(request, gettext("Delivery #%(number)s: %(error)s")
                                  % {"number": delivery.pk, "error": " ".join(error.messages)}, messages.WARNING)
            except PermissionDenied as error:
                self.message_user(request, gettext("Delivery #%(number)s: %(error)s")
                                  % {"number": delivery.pk, "error": error}, messages.WARNING)
        self.message_user(request, gettext("Queued %(count)s delivery(ies) again.") % {"count": sent})
