"""The buying side: organisations and their people, tenders with their lots and screening policy, and bids."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from screening import conf as screening_conf
from screening.choices import FileRole, NetworkDomain, Severity
from screening.engine.bom import header_mapping
from screening.engine.names import normalise as normalise_company
from screening.engine.policy import RULES
from screening.messages import message_text

from .choices import BulkItemOutcome, BulkUploadStatus, Role, TenderStatus

REVIEW_THRESHOLD_MIN = 0.5
REVIEW_THRESHOLD_MAX = 0.99
NO_DOMAIN = ""  # the severity-override key for "a line with no domain", as in screening.engine.policy
ANY_DOMAIN = "*"  # the key for "every domain not named"


class Organisation(models.Model):
    """A buying organisation: a ministry, a regulator, an operator running a tender."""

    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    country = models.CharField(verbose_name=_("country"), max_length=2, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        verbose_name=_("role in the organisation"), max_length=20, choices=Role.choices, default=Role.OFFICER
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


def default_review_threshold() -> float:
    return screening_conf.get("REVIEW_THRESHOLD")


def validate_severity_overrides(value) -> None:
    """{rule code: {domain value or "": severity}}, as screening.engine.policy.PolicyConfig reads it."""
    if not isinstance(value, dict):
        raise ValidationError(_("Severity overrides must be a table of rule -> domain -> severity."))
    domains = {NO_DOMAIN, ANY_DOMAIN, *NetworkDomain.values}
    for code, table in value.items():
        if code not in RULES:
            raise ValidationError(_("Unknown rule '%(rule)s'. Known rules: %(known)s."),
                                  params={"rule": code, "known": ", ".join(sorted(RULES))})
        if not isinstance(table, dict):
            raise ValidationError(_("Rule '%(rule)s': give a severity per domain."), params={"rule": code})
        for domain, severity in table.items():
            if domain not in domains:
                raise ValidationError(_("Rule '%(rule)s': unknown network domain '%(domain)s'."),
                                      params={"rule": code, "domain": domain})
            if severity not in Severity.values:
                raise ValidationError(
                    _("Rule '%(rule)s', domain '%(domain)s': unknown severity '%(severity)s'. Use one of: %(known)s."),
                    params={"rule": code, "domain": domain or _("none"), "severity": severity,
                            "known": ", ".join(Severity.values)},
                )


class Tender(models.Model):
    """A call for bids by one organisation, with the screening policy its bids are screened under."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="tenders"
    )
    reference = models.CharField(
        verbose_name=_("reference"),
        max_length=100, help_text=_("The organisation's own reference, e.g. 5G-RAN-2026/01.")
    )
    title = models.CharField(verbose_name=_("title"), max_length=300)
    description = models.TextField(verbose_name=_("description"), blank=True)
    submission_deadline = models.DateTimeField(verbose_name=_("submission deadline"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )

    restricted_lists = models.ManyToManyField(
        "screening.SupplierList",
        verbose_name=_("restricted lists"), blank=True,
        related_name="restricting_tenders",
        help_text=_("Restricted lists to screen against."),
    )
    trusted_lists = models.ManyToManyField(
        "screening.SupplierList",
        verbose_name=_("trusted lists"), blank=True,
        related_name="trusting_tenders",
        help_text=_("Trusted lists: a party on none of them is flagged as untrusted."),
    )
    review_threshold = models.FloatField(
        verbose_name=_("fuzzy review threshold"), default=default_review_threshold,
        validators=[MinValueValidator(REVIEW_THRESHOLD_MIN), MaxValueValidator(REVIEW_THRESHOLD_MAX)],
        help_text=_("How close a name must be to a restricted one to be flagged for review (0.50-0.99)."),
    )
    severity_overrides = models.JSONField(
        verbose_name=_("severity overrides"), default=dict,
        blank=True,
        validators=[validate_severity_overrides],
        help_text='Severity per rule and network domain: {"rule": {"domain or empty": "severity"}}.',
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="procurement_tender_unique_reference",
                violation_error_message="Your organisation already has a tender with this reference.",
            ),
            models.CheckConstraint(
                condition=Q(review_threshold__gte=REVIEW_THRESHOLD_MIN, review_threshold__lte=REVIEW_THRESHOLD_MAX),
                name="procurement_tender_review_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:tender_detail", args=[self.pk])


class Lot(models.Model):
    """A part of a tender, in one network domain; its domain is the default for BOM lines that name none."""

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveIntegerField(verbose_name=_("lot number"))
    title = models.CharField(verbose_name=_("title"), max_length=300)
    domain = models.CharField(verbose_name=_("network domain"), max_length=20, choices=NetworkDomain.choices)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"],
                name="procurement_lot_unique_number",
                violation_error_message="Two lots of a tender cannot have the same number.",
            ),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title} ({self.get_domain_display()})"


class Bid(models.Model):
    """A tenderer's offer for one or more lots, with its bills of materials."""

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="bids")
    bidder_name = models.CharField(verbose_name=_("bidder"), max_length=300)
    bidder_country = models.CharField(
        verbose_name=_("bidder's country"), max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Give the country as two capital letters (ISO 3166-1), e.g. DE."))],
        help_text=_("ISO 3166-1 alpha-2, e.g. DE."),
    )
    bidder_registration = models.CharField(_("registration number"), max_length=100, blank=True)
    lots = models.ManyToManyField(Lot, verbose_name=_("lots"), blank=True, related_name="bids")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["tender", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.bidder_name} ({self.tender.reference})"

    def get_absolute_url(self) -> str:
        return reverse("procurement:bid_detail", args=[self.pk])


class BidDocument(models.Model):
    """A file that came with a bid. The upload itself is the plugin's UploadedFile, kept whatever happens."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.PROTECT, related_name="documents")
    file = models.ForeignKey(
        "screening.UploadedFile", verbose_name=_("file"), on_delete=models.PROTECT, related_name="bid_documents"
    )
    role = models.CharField(verbose_name=_("file role"), max_length=20, choices=FileRole.choices, default=FileRole.BOM)

    class Meta:
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")
        ordering = ["bid", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "file"], name="procurement_biddocument_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.file} ({self.get_role_display()})"


def bidder_key(name: str) -> str:
    """The key a bidder's remembered settings are kept under: "BALTIC MOBILE INTEGRATORS LTD." and "Baltic Mobile
    Integrators Ltd" are the same bidder."""
    return (normalise_company(name) or " ".join(name.casefold().split()))[:300]


class ColumnMapping(models.Model):
    """An officer's names for a bidder's BOM columns that the header tables do not know ("Firma" holds the
    manufacturer), remembered per organisation and bidder and applied to that bidder's next files."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="column_mappings"
    )
    bidder_key = models.CharField(
        verbose_name=_("bidder key"), max_length=300, help_text=_("The bidder's name, normalised (see bidder_key).")
    )
    bidder_name = models.CharField(
        verbose_name=_("bidder"), max_length=300, help_text=_("The bidder's name as last written.")
    )
    headers = models.JSONField(
        verbose_name=_("columns named by hand"),
        default=dict, blank=True, help_text='Header as written -> field ("manufacturer", ...) or "ignore".'
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation", "bidder_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "bidder_key"], name="procurement_columnmapping_unique_bidder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bidder_name}: " + ", ".join(f"{h} = {f}" for h, f in self.headers.items())

    def clean(self) -> None:
        if not isinstance(self.headers, dict):
            raise ValidationError({"headers": "Give the columns as header -> field pairs."})
        try:
            header_mapping(self.headers)
        except ValueError as error:
            raise ValidationError({"headers": str(error)}) from error


class ApiClient(models.Model):
    """An e-procurement system that uses the REST API for one organisation. It acts as its own service account
    (a user with a membership and a role), so it has exactly the web app's permissions; its tokens are the
    plugin's ApiTokens of that user."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(verbose_name=_("name"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_client"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="procurement_apiclient_unique_name",
                violation_error_message="Your organisation already has an API client with this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class UserPreference(models.Model):
    """A person's own settings for the site: the interface language they chose, which wins over the browser's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="preference"
    )
    # A code of settings.LANGUAGES, or "" to follow the browser; checked by procurement.services.user_language_set.
    language = models.CharField(verbose_name=_("language"), max_length=10, blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'browser language'}"


class BulkUpload(models.Model):
    """Many bids in one file: a ZIP of BOM files (with or without a manifest) or a workbook with a sheet per bidder.

    The file is kept as the plugin's UploadedFile; a Celery task splits it and makes each member a bid.
    """

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="bulk_uploads")
    file = models.ForeignKey(
        "screening.UploadedFile", verbose_name=_("file"), on_delete=models.PROTECT, related_name="bulk_uploads"
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=BulkUploadStatus.choices, default=BulkUploadStatus.QUEUED
    )
    error_message = models.TextField(verbose_name=_("error message"), blank=True)
    error_template = models.JSONField(
        verbose_name=_("error template"), null=True, blank=True, editable=False,
        help_text=_("The error's template and values, to show it in the reader's language (screening.messages)."),
    )
    items_total = models.PositiveIntegerField(verbose_name=_("items"), default=0)
    items_ok = models.PositiveIntegerField(verbose_name=_("items done"), default=0)
    items_failed = models.PositiveIntegerField(verbose_name=_("items failed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    started_at = models.DateTimeField(verbose_name=_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk upload")
        verbose_name_plural = _("bulk uploads")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file.original_name} ({self.tender.reference})"

    def get_absolute_url(self) -> str:
        return reverse("procurement:bulk_upload_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (BulkUploadStatus.DONE, BulkUploadStatus.FAILED)

    @property
    def translated_error(self) -> str:
        """error_message in the active language."""
        return message_text(self.error_template, self.error_message)


class BulkUploadItem(models.Model):
    """One would-be bid of a bulk upload: an archive member (or manifest row) or a sheet, and what became of it."""

    bulk_upload = models.ForeignKey(
        BulkUpload, verbose_name=_("bulk upload"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(
        verbose_name=_("position"), help_text=_("Its place in the upload, which is read the same way each time.")
    )
    member = models.CharField(
        verbose_name=_("archive member"),
        max_length=1000, help_text=_("The file(s) in the archive, or the sheet of the workbook.")
    )
    member_template = models.JSONField(
        verbose_name=_("member template"), null=True, blank=True, editable=False,
        help_text=_("The member's template and values when it is words, not a file name (\"sheet RAN\")."),
    )
    bidder_name = models.CharField(verbose_name=_("bidder"), max_length=300, blank=True)
    outcome = models.CharField(
        verbose_name=_("outcome"), max_length=20, choices=BulkItemOutcome.choices, default=BulkItemOutcome.PENDING
    )
    error_message = models.TextField(verbose_name=_("error message"), blank=True)
    error_template = models.JSONField(
        verbose_name=_("error template"), null=True, blank=True, editable=False,
        help_text=_("The error's template and values, to show it in the reader's language (screening.messages)."),
    )
    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), null=True, blank=True, on_delete=models.SET_NULL, related_name="bulk_items"
    )
    processed_at = models.DateTimeField(verbose_name=_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk upload item")
        verbose_name_plural = _("bulk upload items")
        ordering = ["bulk_upload", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bulk_upload", "position"], name="procurement_bulkuploaditem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_outcome_display()})"

    @property
    def translated_member(self) -> str:
        """member in the active language."""
        return message_text(self.member_template, self.member)

    @property
    def translated_error(self) -> str:
        """error_message in the active language."""
        return message_text(self.error_template, self.error_message)


class Notification(models.Model):
    """A message to one person about a bid of their organisation, shown in the site header until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="notifications")
    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    screening = models.ForeignKey(
        "screening.Screening", verbose_name=_("screening"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(verbose_name=_("message"))
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    read_at = models.DateTimeField(verbose_name=_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(verbose_name=_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            # One notice per person per re-screen, however often the "finished" signal arrives.
            models.UniqueConstraint(fields=["user", "screening"], name="procurement_notification_once_per_screening"),
        ]

    def __str__(self) -> str:
        return f"To {self.user}: {self.message[:80]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
