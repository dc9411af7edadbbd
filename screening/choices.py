"""Choices for the plugin's models, forms and API.

Their values are the engine's enums (screening.engine.records), so a value read from the database can be handed
to the engine as it is.
"""

from django.db import models

from screening.engine import list_formats, records


class ListKind(models.TextChoices):
    RESTRICTED = records.ListKind.RESTRICTED.value, "Restricted"
    TRUSTED = records.ListKind.TRUSTED.value, "Trusted"


class RelationKind(models.TextChoices):
    SUBSIDIARY_OF = records.RelationKind.SUBSIDIARY_OF.value, "Subsidiary of"
    AFFILIATE_OF = records.RelationKind.AFFILIATE_OF.value, "Affiliate of"
    SUBCONTRACTS_TO = records.RelationKind.SUBCONTRACTS_TO.value, "Subcontracts to"


class EntityKind(models.TextChoices):
    COMPANY = records.EntityKind.COMPANY.value, "Company"
    CATEGORY = records.EntityKind.CATEGORY.value, "Product category"


class ListFormat(models.TextChoices):
    CSV = list_formats.ListFormat.CSV.value, "CSV (the project's columns)"
    XLSX = list_formats.ListFormat.XLSX.value, "Excel or OpenDocument (the project's columns)"
    FTM = list_formats.ListFormat.FTM.value, "OpenSanctions / FollowTheMoney entities (JSON lines)"
    CSL_JSON = list_formats.ListFormat.CSL_JSON.value, "US Consolidated Screening List, JSON"
    CSL_CSV = list_formats.ListFormat.CSL_CSV.value, "US Consolidated Screening List, CSV"


class Severity(models.TextChoices):
    CRITICAL = records.Severity.CRITICAL.value, "Critical"
    HIGH = records.Severity.HIGH.value, "High"
    MEDIUM = records.Severity.MEDIUM.value, "Medium"
    LOW = records.Severity.LOW.value, "Low"
    INFO = records.Severity.INFO.value, "Info"


class Verdict(models.TextChoices):
    PASS = records.Verdict.PASS.value, "Pass"
    REVIEW = records.Verdict.REVIEW.value, "Review"
    FAIL = records.Verdict.FAIL.value, "Fail"


class NetworkDomain(models.TextChoices):
    CORE = records.NetworkDomain.CORE.value, "Core"
    MANAGEMENT = records.NetworkDomain.MANAGEMENT.value, "Management and orchestration"
    RAN = records.NetworkDomain.RAN.value, "Access / RAN"
    TRANSPORT = records.NetworkDomain.TRANSPORT.value, "Transport"
    NFVI = records.NetworkDomain.NFVI.value, "NFVI / cloud"
    OSS_BSS = records.NetworkDomain.OSS_BSS.value, "OSS / BSS"
    SITE = records.NetworkDomain.SITE.value, "Site"
    OTHER = records.NetworkDomain.OTHER.value, "Other"


class ScreeningStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ScreeningTrigger(models.TextChoices):
    """What started a screening: a person (an upload or a re-screen), a list import, or the daily re-screen."""

    MANUAL = "manual", "By a person"
    LIST_IMPORT = "list_import", "List import"
    SCHEDULED = "scheduled", "Daily re-screen"


class ChunkStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"


class FileRole(models.TextChoices):
    BOM = "bom", "Bill of materials"
    DECLARATION = "declaration", "Subcontractor declaration"


class Decision(models.TextChoices):
    """A reviewer's decision on a finding; open until somebody decides."""

    OPEN = "", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class AuditAction(models.TextChoices):
    FINDING_CONFIRMED = "finding.confirmed", "Finding confirmed"
    FINDING_DISMISSED = "finding.dismissed", "Finding dismissed"
    FINDING_REOPENED = "finding.reopened", "Finding reopened"
    DECISIONS_CARRIED = "finding.carried_over", "Decisions carried over"
    EXCEPTION_CREATED = "exception.created", "Standing exception created"
    EXCEPTION_APPLIED = "exception.applied", "Standing exceptions applied"
    EXCEPTION_REVOKED = "exception.revoked", "Standing exception revoked"
    LIST_IMPORTED = "list.imported", "List imported"
    SCREENING_STARTED = "screening.started", "Screening started"
    SCREENING_CANCELLED = "screening.cancelled", "Screening cancelled"
    SCREENING_RESCREENED = "screening.rescreened", "Screening re-screened"
    API_TOKEN_CREATED = "api_token.created", "API token created"
    API_TOKEN_REVOKED = "api_token.revoked", "API token revoked"
    WEBHOOK_CREATED = "webhook.created", "Webhook registered"
    WEBHOOK_UPDATED = "webhook.updated", "Webhook changed"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", "Webhook secret rotated"
    WEBHOOK_DELETED = "webhook.deleted", "Webhook deleted"
    WEBHOOK_REDELIVERED = "webhook.redelivered", "Webhook delivery requeued"


class WebhookEvent(models.TextChoices):
    """What a webhook endpoint can subscribe to; an endpoint with no events listed gets all of them."""

    SCREENING_DONE = "screening.done", "Screening done"
    SCREENING_FAILED = "screening.failed", "Screening failed"
    SCREENING_CANCELLED = "screening.cancelled", "Screening cancelled"
    VERDICT_CHANGED = "screening.verdict_changed", "Verdict changed from the previous screening"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
