"""Choices for the buying side."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Procurement officer"
    REVIEWER = "reviewer", "Reviewer"
    ADMIN = "admin", "Organisation admin"


class TenderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    EVALUATION = "evaluation", "Evaluation"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


# Tenders whose bids are still being decided on: a list import re-screens their affected bids, and the daily task
# re-screens all their bids. A draft has no bids to screen yet; an awarded or cancelled tender is decided, and its
# screenings stay as the record of what was known when it was decided.
OPEN_TENDER_STATUSES = (TenderStatus.OPEN, TenderStatus.EVALUATION)


class AuditAction(models.TextChoices):
    """What the buying side writes into the screening plugin's audit log."""

    TENDER_CREATED = "tender.created", "Tender created"
    TENDER_UPDATED = "tender.updated", "Tender updated"
    TENDER_RESCREENED = "tender.rescreened", "Tender re-screened"
    BID_UPLOADED = "bid.uploaded", "Bid uploaded"
    BID_SCREENING_NOT_STARTED = "bid.screening_not_started", "Bid screening could not start"
    BID_RESCREENED = "bid.rescreened", "Bid re-screened"
    OPEN_TENDERS_RESCREENED = "tenders.rescreened_daily", "Open tenders re-screened (daily)"
    COLUMNS_NAMED = "bidder.columns_named", "Bidder's BOM columns named"
    BULK_UPLOADED = "bulk.uploaded", "Bids uploaded in bulk"
    BULK_PROCESSED = "bulk.processed", "Bulk upload processed"


class BulkUploadStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Creating bids"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class BulkItemOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    OK = "ok", "Bid created"
    ERROR = "error", "Error"
