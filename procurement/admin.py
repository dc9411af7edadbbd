from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Bid, BidDocument, BulkUpload, BulkUploadItem, Lot, Membership, Organisation, Tender


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    """Tenders are created and changed in the site (procurement.services), which records every change."""

    list_display = ["reference", "title", "organisation", "status", "submission_deadline", "created_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["reference", "title"]
    readonly_fields = [field.name for field in Tender._meta.fields] + ["restricted_lists", "trusted_lists"]
    inlines = [LotInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BidDocumentInline(admin.TabularInline):
    model = BidDocument
    extra = 0
    can_delete = False
    readonly_fields = ["file", "role"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ["bidder_name", "tender", "bidder_country", "created_at"]
    list_filter = ["tender__organisation"]
    search_fields = ["bidder_name", "bidder_registration", "tender__reference"]
    inlines = [BidDocumentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BulkUploadItemInline(admin.TabularInline):
    model = BulkUploadItem
    extra = 0
    can_delete = False
    readonly_fields = ["position", "member_shown", "bidder_name", "outcome", "error_shown", "bid", "processed_at"]
    exclude = ["member", "member_template", "error_message", "error_template"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Member"))
    def member_shown(self, obj):
        return obj.translated_member

    @admin.display(description=_("Error message"))
    def error_shown(self, obj):
        return obj.translated_error


@admin.register(BulkUpload)
class BulkUploadAdmin(admin.ModelAdmin):
    """Read-only: bulk uploads are made in the site and processed by procurement.tasks.process_bulk_upload."""

    list_display = ["file", "tender", "status", "items_ok", "items_failed", "created_at"]
    list_filter = ["status", "tender__organisation"]
    search_fields = ["file__original_name", "tender__reference"]
    readonly_fields = [
        *(field.name for field in BulkUpload._meta.fields if field.name not in ("error_message", "error_template")),
        "error_shown",
    ]
    exclude = ["error_message", "error_template"]
    inlines = [BulkUploadItemInline]

    @admin.display(description=_("Error message"))
    def error_shown(self, obj):
        return obj.translated_error

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
