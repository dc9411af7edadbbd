"""Choices for the buying side."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Procurement officer")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Organisation admin")


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    EVALUATION = "evaluation", _("Evaluation")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


# Tenders whose bids are still being decided on: a list import re-screens their affected bids, and the daily task
# re-screens all their bids. A draft has no bids to screen yet; an awarded or cancelled tender is decided, and its
# screenings stay as the record of what was known when it was decided.
OPEN_TENDER_STATUSES = (TenderStatus.OPEN, TenderStatus.EVALUATION)


class AuditAction(models.TextChoices):
    """What the buying side writes into the screening plugin's audit log."""

    TENDER_CREATED = "tender.created", _("Tender created")
    TENDER_UPDATED = "tender.updated", _("Tender updated")
    TENDER_RESCREENED = "tender.rescreened", _("Tender re-screened")
    BID_UPLOADED = "bid.uploaded", _("Bid uploaded")
    BID_SCREENING_NOT_STARTED = "bid.screening_not_started", _("Bid screening could not start")
    BID_RESCREENED = "bid.rescreened", _("Bid re-screened")
    OPEN_TENDERS_RESCREENED = "tenders.rescreened_daily", _("Open tenders re-screened (daily)")
    COLUMNS_NAMED = "bidder.columns_named", _("Bidder's BOM columns named")
    BULK_UPLOADED = "bulk.uploaded", _("Bids uploaded in bulk")
    BULK_PROCESSED = "bulk.processed", _("Bulk upload processed")


class BulkUploadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Creating bids")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkItemOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    OK = "ok", _("Bid created")
    ERROR = "error", _("Error")
