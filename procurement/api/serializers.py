"""The buying side in the API: tenders with their lots, bids with their files and screenings."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from procurement.choices import TenderStatus
from procurement.models import Bid, BidDocument, Lot, Tender
from procurement.selectors import bid_latest_screening
from screening.api.serializers import IdField, ScreeningSerializer
from screening.choices import NetworkDomain


class LotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lot
        fields = ["number", "title", "domain"]
        extra_kwargs = {"number": {"validators": []}}


class TenderSerializer(serializers.ModelSerializer):
    lots = LotSerializer(many=True, required=False)
    restricted_lists = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    trusted_lists = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    bid_count = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Tender
        fields = [
            "id", "reference", "title", "description", "submission_deadline", "status", "restricted_lists",
            "trusted_lists", "review_threshold", "severity_overrides", "lots", "bid_count", "created_at",
            "updated_at", "web_url",
        ]

    def get_bid_count(self, obj) -> int:
        return obj.bids.count()

    def get_web_url(self, obj) -> str:
        return obj.get_absolute_url()


class TenderWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    submission_deadline = serializers.DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=TenderStatus.choices, required=False)
    restricted_lists = serializers.ListField(child=IdField(), required=False,
                                             help_text="Ids of restricted lists (GET /api/v1/lists/).")
    trusted_lists = serializers.ListField(child=IdField(), required=False,
                                          help_text="Ids of trusted lists.")
    review_threshold = serializers.FloatField(required=False, min_value=0.5, max_value=0.99)
    severity_overrides = serializers.JSONField(required=False,
                                               help_text='{"rule": {"domain or empty": "severity"}}')
    lots = LotSerializer(many=True, required=False)


class DocumentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="file.original_name")
    sha256 = serializers.CharField(source="file.sha256")
    size = serializers.IntegerField(source="file.size")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = BidDocument
        fields = ["id", "name", "role", "sha256", "size", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("procurement:document_download", args=[obj.pk])


class BidSerializer(serializers.ModelSerializer):
    tender = serializers.PrimaryKeyRelatedField(read_only=True)
    lots = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    documents = DocumentSerializer(many=True, read_only=True)
    screening = serializers.SerializerMethodField(help_text="The latest screening, or null if none started.")
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Bid
        fields = ["id", "tender", "bidder_name", "bidder_country", "bidder_registration", "lots", "documents",
                  "screening", "created_at", "web_url"]

    def get_screening(self, obj) -> dict | None:
        screening = obj.latest_screening if hasattr(obj, "latest_screening") else bid_latest_screening(obj)
        return ScreeningSerializer(screening, context=self.context).data if screening else None

    def get_web_url(self, obj) -> str:
        return obj.get_absolute_url()


_LINE_KEYS = ("manufacturer", "supplier", "subcontractor", "country_of_origin", "part_number", "mpn",
              "description", "quantity", "unit_price", "total_price", "currency", "domain", "line")


class BidLineSerializer(serializers.Serializer):
    """One BOM line; any other keys are kept as columns of the line."""

    manufacturer = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    supplier = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    subcontractor = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    country_of_origin = serializers.CharField(required=False, allow_blank=True, max_length=100)
    part_number = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    quantity = serializers.CharField(required=False, allow_blank=True, max_length=100)
    unit_price = serializers.CharField(required=False, allow_blank=True, max_length=100)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=10)
    domain = serializers.ChoiceField(choices=NetworkDomain.choices, required=False, allow_blank=True)

    def validate(self, attrs):
        if not any(attrs.get(key) for key in ("manufacturer", "supplier", "subcontractor")):
            raise serializers.ValidationError("Each line needs a manufacturer, supplier or subcontractor.")
        return attrs


class ChainLinkSerializer(serializers.Serializer):
    contractor = serializers.CharField(max_length=2000)
    subcontractor = serializers.CharField(max_length=2000)


class BidJsonSerializer(serializers.Serializer):
    """A bid as JSON: its lines (or a CycloneDX BOM) and its declared subcontractor chain."""

    bidder_name = serializers.CharField(max_length=300)
    bidder_country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    bidder_registration = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lots = serializers.ListField(child=IdField(), required=False, default=list,
                                 help_text="Lot numbers the bid is for.")
    lines = BidLineSerializer(many=True, required=False, max_length=200_000)
    cyclonedx = serializers.JSONField(required=False, help_text="A CycloneDX JSON BOM (bomFormat CycloneDX), "
                                                                "its components carrying manufacturer and supplier.")
    subcontractors = ChainLinkSerializer(many=True, required=False, max_length=10_000)

    def validate(self, attrs):
        if bool(attrs.get("lines")) == bool(attrs.get("cyclonedx")):
            raise serializers.ValidationError("Give either lines or a cyclonedx BOM.")
        bom = attrs.get("cyclonedx")
        if bom is not None and (not isinstance(bom, dict) or bom.get("bomFormat") != "CycloneDX"):
            raise serializers.ValidationError({"cyclonedx": ['A CycloneDX BOM is an object with "bomFormat": '
                                                             '"CycloneDX".']})
        return attrs


class BidUploadSerializer(serializers.Serializer):
    """A bid as files: BOMs in any format the screening reads, and an optional subcontractor declaration."""

    bidder_name = serializers.CharField(max_length=300)
    bidder_country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    bidder_registration = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lots = serializers.ListField(child=IdField(), required=False, default=list)
    boms = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=20,
                                 help_text="xlsx, xlsm, xls, ods, csv, JSON lines (.jsonl) or CycloneDX (.json).")
    declaration = serializers.FileField(required=False)


class _StartedSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    screening = serializers.IntegerField()


class _SkippedSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    reason = serializers.CharField()


class TenderRescreenSerializer(serializers.Serializer):
    started = _StartedSerializer(many=True)
    skipped = _SkippedSerializer(many=True)


class BulkUploadItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    member = serializers.CharField(source="translated_member",
                                   help_text="The file(s) in the archive, or the sheet of the workbook.")
    bidder_name = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(help_text="pending, ok or error")
    error_message = serializers.CharField(source="translated_error", allow_blank=True,
                                          help_text="What was wrong, where, and what to do (in the Accept-Language).")
    bid = serializers.IntegerField(source="bid_id", allow_null=True)
    screening = serializers.SerializerMethodField()

    def get_screening(self, item) -> dict | None:
        screening = getattr(item, "latest_screening", None)
        if screening is None:
            return None
        return {"id": screening.pk, "status": screening.status, "verdict": screening.verdict}


class BulkUploadProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_display = serializers.CharField()
    items_total = serializers.IntegerField()
    items_done = serializers.IntegerField()
    items_ok = serializers.IntegerField()
    items_failed = serializers.IntegerField()
    screenings_total = serializers.IntegerField()
    screenings_finished = serializers.IntegerField()
    progress = serializers.FloatField()
    finished = serializers.BooleanField()
    error_message = serializers.CharField(allow_blank=True)


class BulkUploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    file = serializers.CharField(source="file.original_name")
    sha256 = serializers.CharField(source="file.sha256")
    size = serializers.IntegerField(source="file.size")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    progress = BulkUploadProgressSerializer(help_text="Combined progress: bids created, then their screenings.")
    items = BulkUploadItemSerializer(many=True)
    web_url = serializers.CharField()


class BulkUploadCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .zip of BOM files (with a manifest, or named after their bidders), "
                                           "or a workbook (.xlsx, .xlsm, .xls, .ods) with one sheet per bidder.")
