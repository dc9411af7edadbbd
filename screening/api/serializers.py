"""What the plugin's API shows and accepts. Reads are ModelSerializers; writes are plain input serializers
handed to the services, which do the work (and the checks) exactly as the web pages do."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from screening.api.converters import MAX_ID
from screening.choices import Decision, ListKind, Severity, WebhookEvent
from screening.engine.list_formats import ListFormat
from screening.models import (
    Entity,
    Finding,
    ListVersion,
    Relation,
    Screening,
    ScreeningError,
    SupplierList,
    UploadedFile,
    WebhookDelivery,
    WebhookEndpoint,
)


def IdField(**kwargs):  # noqa: N802 - a field factory, read like a field class
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# -- errors (documentation of the error shape; see errors.py)


class ErrorEntrySerializer(serializers.Serializer):
    location = serializers.ChoiceField(choices=["body", "query", "header", "path", "request"])
    field = serializers.CharField(allow_blank=True, help_text="The field, parameter or header; may be empty.")
    message = serializers.CharField(help_text="What was wrong and what to do.")
    file = serializers.CharField(required=False, help_text="For an uploaded file's content: the file name.")
    sheet = serializers.CharField(required=False, allow_blank=True)
    row = serializers.IntegerField(required=False, allow_null=True)
    column = serializers.CharField(required=False, allow_blank=True)


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    errors = ErrorEntrySerializer(many=True)


# -- lists


class SupplierListSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = SupplierList
        fields = ["id", "name", "kind", "publisher", "source_url", "description", "is_active", "current_version"]

    def get_current_version(self, obj) -> int | None:
        version = obj.current_version
        return version.pk if version else None


class ListVersionSerializer(serializers.ModelSerializer):
    list = serializers.PrimaryKeyRelatedField(source="supplier_list", read_only=True)
    list_name = serializers.CharField(source="supplier_list.name", read_only=True)
    kind = serializers.CharField(source="supplier_list.kind", read_only=True)

    class Meta:
        model = ListVersion
        fields = ["id", "list", "list_name", "kind", "number", "source_filename", "sha256", "entity_count",
                  "relation_count", "note", "created_at"]


class RelationSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.name")
    parent_id = serializers.IntegerField()

    class Meta:
        model = Relation
        fields = ["kind", "parent", "parent_id", "divested"]


class EntitySerializer(serializers.ModelSerializer):
    version = ListVersionSerializer(read_only=True)
    parents = RelationSerializer(source="parent_relations", many=True, read_only=True)

    class Meta:
        model = Entity
        fields = ["id", "name", "aliases", "country", "registration_number", "lei", "reason", "source",
                  "source_row", "version", "parents"]


class EntityBriefSerializer(serializers.ModelSerializer):
    list = serializers.CharField(source="version.supplier_list.name")
    kind = serializers.CharField(source="version.supplier_list.kind")
    version = serializers.IntegerField(source="version.number")
    version_id = serializers.IntegerField()

    class Meta:
        model = Entity
        fields = ["id", "name", "country", "list", "kind", "version", "version_id", "source"]


class ListImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX with the columns name, aliases, country, parent, relation, "
                                           "divested, registration_number, lei, reason, source (and type, keywords, "
                                           "product_codes for categories); or a FollowTheMoney JSON lines file; or "
                                           "the Consolidated Screening List's JSON or CSV.")
    format = serializers.ChoiceField(choices=[(f.value, f.value) for f in ListFormat], required=False,
                                     help_text="The file's format; read from its content when not given.")
    name = serializers.CharField(max_length=200, help_text="The list's name; a new name makes a new list.")
    kind = serializers.ChoiceField(choices=ListKind.choices)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VersionDiffEntitySerializer(serializers.Serializer):
    name = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField())


class VersionDiffRelationSerializer(serializers.Serializer):
    child = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.CharField()
    divested = serializers.BooleanField()
    divested_before = serializers.BooleanField(allow_null=True, help_text="For a changed relation: the flag before.")


class VersionDiffSerializer(serializers.Serializer):
    before = ListVersionSerializer()
    after = ListVersionSerializer()
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    changed = VersionDiffEntitySerializer(many=True)
    relations_added = VersionDiffRelationSerializer(many=True)
    relations_removed = VersionDiffRelationSerializer(many=True)
    relations_changed = VersionDiffRelationSerializer(many=True)


# -- screenings


class UploadedFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = UploadedFile
        fields = ["id", "name", "role", "sha256", "size", "uploaded_at"]


class CountsSerializer(serializers.Serializer):
    critical = serializers.IntegerField()
    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()
    info = serializers.IntegerField()


class ScreeningSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True, help_text="0..1")
    counts = CountsSerializer(read_only=True)
    list_versions = ListVersionSerializer(many=True, read_only=True)
    files = UploadedFileSerializer(many=True, read_only=True)
    subject = serializers.SerializerMethodField()
    duration_seconds = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    error_message = serializers.CharField(source="translated_error", read_only=True,
                                          help_text="Why the screening failed, in the Accept-Language.")

    class Meta:
        model = Screening
        fields = [
            "id", "label", "status", "verdict", "progress", "rows_total", "rows_done", "counts", "error_count",
            "error_message", "bidder", "list_versions", "files", "policy", "subject", "previous",
            "created_at", "started_at", "finished_at", "duration_seconds", "web_url",
        ]

    def get_subject(self, obj) -> dict | None:
        if not obj.subject_type_id:
            return None
        return {"type": f"{obj.subject_type.app_label}.{obj.subject_type.model}", "id": obj.subject_id}

    def get_duration_seconds(self, obj) -> float | None:
        return obj.duration.total_seconds() if obj.duration else None

    def get_web_url(self, obj) -> str:
        return reverse("screening:detail", args=[obj.pk])


class ScreeningStartSerializer(serializers.Serializer):
    boms = serializers.ListField(child=serializers.FileField(), min_length=1,
                                 help_text="One or more BOM files (xlsx, xlsm, xls, ods, csv, JSON lines, "
                                           "CycloneDX JSON).")
    declaration = serializers.FileField(required=False, help_text="A subcontractor declaration file.")
    bidder = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    label = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    lists = serializers.ListField(child=IdField(), required=False,
                                  help_text="Ids of the lists to screen against; default: the active lists.")


class ScreeningErrorSerializer(serializers.ModelSerializer):
    file = serializers.CharField(source="file_name")
    message = serializers.CharField(source="translated_message", help_text="The problem, in the Accept-Language.")

    class Meta:
        model = ScreeningError
        fields = ["file", "sheet", "row", "column", "message"]


class FindingSerializer(serializers.ModelSerializer):
    file = serializers.CharField(source="file_name")
    entity = EntityBriefSerializer(read_only=True, allow_null=True)
    decided_by = serializers.SerializerMethodField()
    where = serializers.CharField(source="translated_where", read_only=True)
    explanation = serializers.CharField(source="translated_explanation", read_only=True)

    def get_decided_by(self, obj) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None

    class Meta:
        model = Finding
        fields = [
            "id", "screening", "file", "sheet", "row", "column", "where", "field", "value", "party", "rule",
            "severity", "domain", "entity", "score", "path", "explanation", "cells", "decision",
            "decision_reason", "decided_by", "decided_at", "decided_by_exception", "carried_from",
        ]


class FindingPageSerializer(serializers.Serializer):
    """A page of findings by cursor: follow `next` until it is null."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FindingSerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[(Decision.CONFIRMED, "Confirmed"), (Decision.DISMISSED, "Dismissed"), ("open", "Reopen")]
    )
    reason = serializers.CharField(help_text="Why: it goes into the audit log.")
    standing_exception = serializers.BooleanField(
        default=False, help_text="Also dismiss the same cell value and entity in later screenings."
    )

    def validate_decision(self, value):
        return Decision.OPEN if value == "open" else value


class BulkDecisionSerializer(DecisionSerializer):
    findings = serializers.ListField(child=IdField(), min_length=1, max_length=5000)


# -- matching


class MatchRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=500, help_text="The company name, as written anywhere.")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="",
                                    help_text="ISO 3166-1 alpha-2, narrows nothing but is reported.")
    lists = serializers.ListField(child=IdField(), required=False,
                                  help_text="Ids of the lists to match against; default: the active lists.")


class MatchCandidateSerializer(serializers.Serializer):
    entity = EntityBriefSerializer()
    score = serializers.FloatField()
    matched_name = serializers.CharField()
    explanation = serializers.CharField()
    chain = serializers.ListField(child=serializers.CharField(),
                                  help_text="From the entity up to the top of its group, by ownership.")
    restricted_parent = EntityBriefSerializer(allow_null=True)


class MatchResponseSerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    candidates = MatchCandidateSerializer(many=True)


SEVERITY_CHOICES = Severity.choices


# -- webhooks


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]


class WebhookWriteSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="An http(s) URL that receives the events.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), required=False,
                                   default=list, help_text="The events to send; empty for all.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Signs every request (HMAC-SHA256); shown only now.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField()


class WebhookDeliverySerializer(serializers.ModelSerializer):
    error = serializers.CharField(source="translated_error", read_only=True,
                                  help_text="Why the last try failed, when it did (in the Accept-Language).")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event_id", "event_type", "payload", "status", "attempts", "next_attempt_at",
                  "last_attempt_at", "response_status", "response_body", "error", "attempt_log", "created_at",
                  "delivered_at"]
