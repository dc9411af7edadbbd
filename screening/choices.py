"""Choices for the plugin's models, forms and API.

Their values are the engine's enums (screening.engine.records), so a value read from the database can be handed
to the engine as it is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from screening.engine import list_formats, records


class ListKind(models.TextChoices):
    RESTRICTED = records.ListKind.RESTRICTED.value, _("Restricted")
    TRUSTED = records.ListKind.TRUSTED.value, _("Trusted")


class RelationKind(models.TextChoices):
    SUBSIDIARY_OF = records.RelationKind.SUBSIDIARY_OF.value, _("Subsidiary of")
    AFFILIATE_OF = records.RelationKind.AFFILIATE_OF.value, _("Affiliate of")
    SUBCONTRACTS_TO = records.RelationKind.SUBCONTRACTS_TO.value, _("Subcontracts to")


class EntityKind(models.TextChoices):
    COMPANY = records.EntityKind.COMPANY.value, _("Company")
    CATEGORY = records.EntityKind.CATEGORY.value, _("Product category")


class ListFormat(models.TextChoices):
    CSV = list_formats.ListFormat.CSV.value, _("CSV (the project's columns)")
    XLSX = list_formats.ListFormat.XLSX.value, _("Excel or OpenDocument (the project's columns)")
    FTM = list_formats.ListFormat.FTM.value, _("OpenSanctions / FollowTheMoney entities (JSON lines)")
    CSL_JSON = list_formats.ListFormat.CSL_JSON.value, _("US Consolidated Screening List, JSON")
    CSL_CSV = list_formats.ListFormat.CSL_CSV.value, _("US Consolidated Screening List, CSV")


class Severity(models.TextChoices):
    CRITICAL = records.Severity.CRITICAL.value, _("Critical")
    HIGH = records.Severity.HIGH.value, _("High")
    MEDIUM = records.Severity.MEDIUM.value, _("Medium")
    LOW = records.Severity.LOW.value, _("Low")
    INFO = records.Severity.INFO.value, _("Info")


class Verdict(models.TextChoices):
    PASS = records.Verdict.PASS.value, _("Pass")
    REVIEW = records.Verdict.REVIEW.value, _("Review")
    FAIL = records.Verdict.FAIL.value, _("Fail")


class NetworkDomain(models.TextChoices):
    CORE = records.NetworkDomain.CORE.value, _("Core")
    MANAGEMENT = records.NetworkDomain.MANAGEMENT.value, _("Management and orchestration")
    RAN = records.NetworkDomain.RAN.value, _("Access / RAN")
    TRANSPORT = records.NetworkDomain.TRANSPORT.value, _("Transport")
    NFVI = records.NetworkDomain.NFVI.value, _("NFVI / cloud")
    OSS_BSS = records.NetworkDomain.OSS_BSS.value, _("OSS / BSS")
    SITE = records.NetworkDomain.SITE.value, _("Site")
    OTHER = records.NetworkDomain.OTHER.value, _("Other")


class ScreeningStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Labels as they read inside a sentence ("changed verdict pass → fail", "subsidiary of Huawei"): each language writes
# them in the case it needs, where lower-casing the label would break a German noun ("Überprüfung").
VERDICT_IN_SENTENCE = {
    Verdict.PASS: pgettext_lazy("verdict in a sentence", "pass"),
    Verdict.REVIEW: pgettext_lazy("verdict in a sentence", "review"),
    Verdict.FAIL: pgettext_lazy("verdict in a sentence", "fail"),
}
STATUS_IN_SENTENCE = {
    ScreeningStatus.QUEUED: pgettext_lazy("screening status in a sentence", "queued"),
    ScreeningStatus.RUNNING: pgettext_lazy("screening status in a sentence", "running"),
    ScreeningStatus.DONE: pgettext_lazy("screening status in a sentence", "done"),
    ScreeningStatus.FAILED: pgettext_lazy("screening status in a sentence", "failed"),
    ScreeningStatus.CANCELLED: pgettext_lazy("screening status in a sentence", "cancelled"),
}
RELATION_IN_SENTENCE = {
    RelationKind.SUBSIDIARY_OF: pgettext_lazy("relation in a sentence", "subsidiary of"),
    RelationKind.AFFILIATE_OF: pgettext_lazy("relation in a sentence", "affiliate of"),
    RelationKind.SUBCONTRACTS_TO: pgettext_lazy("relation in a sentence", "subcontracts to"),
}


class ScreeningTrigger(models.TextChoices):
    """What started a screening: a person (an upload or a re-screen), a list import, or the daily re-screen."""

    MANUAL = "manual", _("By a person")
    LIST_IMPORT = "list_import", _("List import")
    SCHEDULED = "scheduled", _("Daily re-screen")


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class FileRole(models.TextChoices):
    BOM = "bom", _("Bill of materials")
    DECLARATION = "declaration", _("Subcontractor declaration")


class Decision(models.TextChoices):
    """A reviewer's decision on a finding; open until somebody decides."""

    OPEN = "", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class AuditAction(models.TextChoices):
    FINDING_CONFIRMED = "finding.confirmed", _("Finding confirmed")
    FINDING_DISMISSED = "finding.dismissed", _("Finding dismissed")
    FINDING_REOPENED = "finding.reopened", _("Finding reopened")
    DECISIONS_CARRIED = "finding.carried_over", _("Decisions carried over")
    EXCEPTION_CREATED = "exception.created", _("Standing exception created")
    EXCEPTION_APPLIED = "exception.applied", _("Standing exceptions applied")
    EXCEPTION_REVOKED = "exception.revoked", _("Standing exception revoked")
    LIST_IMPORTED = "list.imported", _("List imported")
    SCREENING_STARTED = "screening.started", _("Screening started")
    SCREENING_CANCELLED = "screening.cancelled", _("Screening cancelled")
    SCREENING_RESCREENED = "screening.rescreened", _("Screening re-screened")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    WEBHOOK_CREATED = "webhook.created", _("Webhook registered")
    WEBHOOK_UPDATED = "webhook.updated", _("Webhook changed")
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", _("Webhook secret rotated")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
    WEBHOOK_REDELIVERED = "webhook.redelivered", _("Webhook delivery requeued")


class WebhookEvent(models.TextChoices):
    """What a webhook endpoint can subscribe to; an endpoint with no events listed gets all of them."""

    SCREENING_DONE = "screening.done", _("Screening done")
    SCREENING_FAILED = "screening.failed", _("Screening failed")
    SCREENING_CANCELLED = "screening.cancelled", _("Screening cancelled")
    VERDICT_CHANGED = "screening.verdict_changed", _("Verdict changed from the previous screening")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
