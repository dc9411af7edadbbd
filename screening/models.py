"""Supplier lists and their immutable versions, uploaded files, screening jobs, their chunks and findings, the
audit log, and the webhook endpoints API clients register with their deliveries."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import conf
from .choices import (
    RELATION_IN_SENTENCE,
    ChunkStatus,
    Decision,
    DeliveryStatus,
    EntityKind,
    FileRole,
    ListFormat,
    ListKind,
    NetworkDomain,
    RelationKind,
    ScreeningStatus,
    ScreeningTrigger,
    Severity,
    Verdict,
)
from .fields import PackedField


class SupplierList(models.Model):
    """A restricted or trusted list, such as the FCC Covered List or a buyer's approved vendors."""

    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=ListKind.choices)
    scope = models.CharField(
        verbose_name=_("scope"), max_length=100, blank=True, db_index=True,
        help_text=_("Who may see the list: empty for a public list, else the owner's scope (see screening.access)."),
    )
    publisher = models.CharField(
        verbose_name=_("publisher"), max_length=200, blank=True, help_text=_("Who publishes the list.")
    )
    source_url = models.URLField(verbose_name=_("source URL"), blank=True, max_length=500)
    description = models.TextField(verbose_name=_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Active lists are used when a screening names no lists of its own.")
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier list")
        verbose_name_plural = _("supplier lists")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    @property
    def current_version(self) -> ListVersion | None:
        return self.versions.order_by("-number").first()


class ListVersion(models.Model):
    """One import of a list. Never changed after it is written: screenings cite it."""

    supplier_list = models.ForeignKey(
        SupplierList, verbose_name=_("supplier list"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(verbose_name=_("version number"))
    source_filename = models.CharField(verbose_name=_("source filename"), max_length=255, blank=True)
    source_format = models.CharField(
        verbose_name=_("source format"),
        max_length=20, choices=ListFormat.choices, blank=True, help_text=_("The format the file was read as.")
    )
    sha256 = models.CharField(verbose_name=_("SHA-256"), max_length=64, blank=True)
    entity_count = models.PositiveIntegerField(verbose_name=_("number of entities"), default=0)
    relation_count = models.PositiveIntegerField(verbose_name=_("number of relations"), default=0)
    note = models.TextField(verbose_name=_("note"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        ordering = ["supplier_list", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["supplier_list", "number"], name="screening_listversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_list.name} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.get("force_insert"):
            raise ValidationError("A list version is immutable; import a new version instead.")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"v{self.number} ({self.created_at:%Y-%m-%d})" if self.created_at else f"v{self.number}"


class Entity(models.Model):
    """A company (or group) on one version of a list, or a product category with no named vendor."""

    version = models.ForeignKey(
        ListVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="entities"
    )
    name = models.CharField(verbose_name=_("name"), max_length=500)
    kind = models.CharField(
        verbose_name=_("kind"), max_length=10, choices=EntityKind.choices, default=EntityKind.COMPANY
    )
    keywords = models.JSONField(
        verbose_name=_("keywords"),
        default=list, blank=True, help_text=_("A category's words and phrases, matched in a BOM line's description.")
    )
    product_codes = models.JSONField(
        verbose_name=_("product codes"),
        default=list, blank=True, help_text=_("A category's product codes (HS code prefixes, model numbers).")
    )
    aliases = models.JSONField(verbose_name=_("aliases"), default=list, blank=True)
    country = models.CharField(verbose_name=_("country"), max_length=2, blank=True)
    registration_number = models.CharField(verbose_name=_("registration number"), max_length=100, blank=True)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    source = models.TextField(
        verbose_name=_("source"), blank=True, help_text=_("Where the listing comes from: a citation or URL.")
    )
    source_row = models.PositiveIntegerField(
        verbose_name=_("row in the list file"),
        null=True, blank=True, help_text=_("Row, line or record number in the imported file.")
    )

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="screening_entity_unique_name_per_version"),
        ]

    def __str__(self) -> str:
        return self.name


class Relation(models.Model):
    """`child` is a subsidiary or affiliate of `parent`, or subcontracts to it, within one list version."""

    version = models.ForeignKey(
        ListVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="relations"
    )
    child = models.ForeignKey(
        Entity, verbose_name=_("child"), on_delete=models.CASCADE, related_name="parent_relations"
    )
    parent = models.ForeignKey(
        Entity, verbose_name=_("parent"), on_delete=models.CASCADE, related_name="child_relations"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=RelationKind.choices)
    divested = models.BooleanField(
        verbose_name=_("divested"),
        default=False, help_text=_("A former affiliate: screened as a review case instead of a block.")
    )

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(fields=["child", "parent", "kind"], name="screening_relation_unique"),
            models.CheckConstraint(condition=~Q(child=models.F("parent")), name="screening_relation_not_self"),
        ]

    def __str__(self) -> str:
        divested = " " + gettext("(divested)") if self.divested else ""
        return f"{self.child} {RELATION_IN_SENTENCE.get(self.kind, self.kind)} {self.parent}{divested}"


def upload_path(instance: UploadedFile, filename: str) -> str:
    from django.utils import timezone

    return timezone.now().strftime(conf.get("UPLOAD_PATH")) + filename


class UploadedFile(models.Model):
    """A file as uploaded: kept whatever happens to the screenings that read it."""

    file = models.FileField(verbose_name=_("file"), upload_to=upload_path, max_length=500)
    original_name = models.CharField(verbose_name=_("file name"), max_length=255)
    role = models.CharField(verbose_name=_("file role"), max_length=20, choices=FileRole.choices, default=FileRole.BOM)
    sha256 = models.CharField(verbose_name=_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(verbose_name=_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Screening(models.Model):
    """A screening job: one or more files against a fixed set of list versions. A row, not a Celery result."""

    # What the host site screens (a bid, say); the plugin does not know its model.
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # null, not "": a GenericForeignKey set to None writes None here
    subject_id = models.CharField(verbose_name=_("subject ID"), max_length=64, null=True, blank=True)  # noqa: DJ001
    subject = GenericForeignKey("subject_type", "subject_id")
    label = models.CharField(verbose_name=_("label"), max_length=255, blank=True)
    scope = models.CharField(
        verbose_name=_("scope"), max_length=100, blank=True, db_index=True, help_text=_("Who may see the screening.")
    )

    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=ScreeningStatus.choices, default=ScreeningStatus.QUEUED
    )
    files = models.ManyToManyField(UploadedFile, verbose_name=_("files"), related_name="screenings")
    list_versions = models.ManyToManyField(ListVersion, verbose_name=_("list versions"), related_name="screenings")
    policy = models.JSONField(verbose_name=_("policy"), default=dict, blank=True)
    bidder = models.CharField(
        verbose_name=_("bidder"), max_length=300, blank=True, help_text=_("The tenderer, top of the chain.")
    )

    rows_total = models.PositiveIntegerField(verbose_name=_("rows"), default=0)
    rows_done = models.PositiveIntegerField(verbose_name=_("rows screened"), default=0)
    chunks_total = models.PositiveIntegerField(verbose_name=_("chunks"), default=0)
    chain_edges = models.JSONField(verbose_name=_("chain links"), default=list, blank=True)

    verdict = models.CharField(verbose_name=_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    critical_count = models.PositiveIntegerField(verbose_name=_("critical findings"), default=0)
    high_count = models.PositiveIntegerField(verbose_name=_("high findings"), default=0)
    medium_count = models.PositiveIntegerField(verbose_name=_("medium findings"), default=0)
    low_count = models.PositiveIntegerField(verbose_name=_("low findings"), default=0)
    info_count = models.PositiveIntegerField(verbose_name=_("info findings"), default=0)
    error_count = models.PositiveIntegerField(verbose_name=_("row errors"), default=0)
    error_message = models.TextField(verbose_name=_("error message"), blank=True)
    error_template = models.JSONField(
        verbose_name=_("error template"), null=True, blank=True, editable=False,
        help_text=_("The error's template and values, to show it in the reader's language (screening.messages)."),
    )

    # BOM value shares (sums of line values, whatever the currency): every line with a value, the lines with a
    # restricted-vendor finding, and the lines with an untrusted-party finding and no restricted one.
    bom_value_total = models.DecimalField(verbose_name=_("BOM value"), max_digits=24, decimal_places=4, default=0)
    restricted_value = models.DecimalField(
        verbose_name=_("restricted value"), max_digits=24, decimal_places=4, default=0
    )
    untrusted_value = models.DecimalField(verbose_name=_("untrusted value"), max_digits=24, decimal_places=4, default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous screening"), null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rescreens",
        help_text=_("The screening this one repeats against newer list versions."),
    )
    trigger = models.CharField(
        verbose_name=_("trigger"), max_length=20, choices=ScreeningTrigger.choices, default=ScreeningTrigger.MANUAL
    )
    reason = models.TextField(
        verbose_name=_("reason"),
        blank=True, help_text=_("Why the screening was started, when not by a person's choice.")
    )
    reason_template = models.JSONField(
        verbose_name=_("reason template"), null=True, blank=True, editable=False,
        help_text=_("The reason's template and values, to show it in the reader's language (screening.messages)."),
    )
    # The companies the screening's files and chain name, normalised (engine.names.normalise) -> as first written:
    # {"bom": {...}, "chain": {...}}. Recorded once it is done (services.impact), so that a list import can find
    # the screenings it may change without reading their rows again; null until then.
    party_names = models.JSONField(verbose_name=_("party names"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    started_at = models.DateTimeField(verbose_name=_("started"), null=True, blank=True)
    prepared_at = models.DateTimeField(verbose_name=_("prepared"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"Screening #{self.pk} {self.label}".strip()

    @property
    def is_finished(self) -> bool:
        return self.status in (ScreeningStatus.DONE, ScreeningStatus.FAILED, ScreeningStatus.CANCELLED)

    @property
    def translated_error(self) -> str:
        """error_message in the active language."""
        from .messages import message_text

        return message_text(self.error_template, self.error_message)

    @property
    def translated_reason(self) -> str:
        """reason in the active language."""
        from .messages import message_text

        return message_text(self.reason_template, self.reason)

    @property
    def progress(self) -> float:
        if self.status == ScreeningStatus.DONE:
            return 1.0
        return self.rows_done / self.rows_total if self.rows_total else 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {severity: getattr(self, f"{severity}_count") for severity in Severity.values}

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def restricted_share(self) -> float:
        """The share of the BOM's value on lines with a restricted vendor, 0..1."""
        return float(self.restricted_value / self.bom_value_total) if self.bom_value_total else 0.0

    @property
    def untrusted_share(self) -> float:
        """The share of the BOM's value on lines with an untrusted party (and no restricted vendor), 0..1."""
        return float(self.untrusted_value / self.bom_value_total) if self.bom_value_total else 0.0


class ListImportImpact(models.Model):
    """What one imported list version did to the screenings in use: how many were checked and re-screened."""

    version = models.OneToOneField(
        ListVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="impact"
    )
    screenings_checked = models.PositiveIntegerField(verbose_name=_("screenings checked"), default=0)
    screenings_affected = models.PositiveIntegerField(verbose_name=_("screenings affected"), default=0)
    screenings_rescreened = models.PositiveIntegerField(verbose_name=_("screenings re-screened"), default=0)
    details = models.JSONField(
        verbose_name=_("details"),
        default=list, blank=True, help_text=_("Per affected screening: its id, the new screening's id and why.")
    )
    started_at = models.DateTimeField(verbose_name=_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name=_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return (
            f"{self.version}: {self.screenings_rescreened} of {self.screenings_checked} screenings re-screened"
        )


class ScreeningChunk(models.Model):
    """A slice of a screening's rows, screened by one task. Created before any task is queued."""

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="chunks"
    )
    index = models.PositiveIntegerField(verbose_name=_("chunk number"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING
    )
    row_count = models.PositiveIntegerField(verbose_name=_("rows"), default=0)
    payload = PackedField(
        verbose_name=_("payload"), default=dict, help_text=_("The chunk's BOM rows, as the reader gave them.")
    )
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    finished_at = models.DateTimeField(verbose_name=_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["screening", "index"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "index"], name="screening_chunk_unique_index"),
        ]

    def __str__(self) -> str:
        return f"{self.screening} chunk {self.index}"


_EXCEPTION_REASON = re.compile(r"Standing exception #(?P<number>\d+): (?P<reason>.*)", re.S)


class Finding(models.Model):
    """One flag on one cell: where, what, which listed entity in which version, how sure, through which chain.

    Findings are written by the thousand (COPY, one chunk at a time), and PostgreSQL checks a foreign key row by
    row at commit: for the job, the chunk and the entity that was half of the database's work on them. Those
    three references are therefore kept by the code, not by database constraints (as Sentry keeps its busiest
    tables): only a chunk task writes findings, under its chunk row's lock and for its own job; Django's
    collector deletes them with their screening or chunk; and an entity named by a finding cannot be deleted
    (PROTECT). The job's own index is the unique flag's and the severity and decision indexes, which begin
    with it.

    The review's references (the person, the standing exception, the finding a decision was carried from) are
    empty when a chunk stores its findings; as database constraints PostgreSQL would still queue a check per
    finding per reference at commit, and as plain indexes keep an entry for every empty one. They too are kept by
    the code (Django's collector sets them to empty when what they name is deleted), and indexed only where set.
    """

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="findings",
        db_constraint=False, db_index=False,
    )
    chunk = models.ForeignKey(
        ScreeningChunk, verbose_name=_("chunk"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        db_constraint=False,
    )
    file_name = models.CharField(verbose_name=_("file name"), max_length=255)
    sheet = models.CharField(verbose_name=_("sheet"), max_length=255, blank=True)
    row = models.PositiveIntegerField(verbose_name=_("row"), null=True, blank=True)
    column = models.CharField(verbose_name=_("column"), max_length=255, blank=True)
    field = models.CharField(verbose_name=_("field"), max_length=30)
    value = models.TextField(verbose_name=_("value"))
    party = models.CharField(verbose_name=_("party"), max_length=500)
    rule = models.CharField(verbose_name=_("rule"), max_length=50)
    severity = models.CharField(verbose_name=_("severity"), max_length=10, choices=Severity.choices)
    domain = models.CharField(
        verbose_name=_("network domain"), max_length=20, choices=NetworkDomain.choices, blank=True
    )
    entity = models.ForeignKey(
        Entity, verbose_name=_("listed entity"),
        null=True, blank=True, on_delete=models.PROTECT, related_name="findings", db_constraint=False,
    )
    entity_key = models.CharField(
        verbose_name=_("entity key"), max_length=64, blank=True, help_text=_("The entity's id, or empty.")
    )
    score = models.FloatField(verbose_name=_("score"), null=True, blank=True)
    path = models.JSONField(verbose_name=_("chain"), default=list)
    explanation = models.TextField(verbose_name=_("explanation"))
    # JSON as text, not jsonb: written by COPY for thousands of findings, read only to be shown.
    explanation_template = models.TextField(
        verbose_name=_("explanation template"), blank=True, default="", editable=False,
        help_text=_("The explanation's template and values (JSON), to show it in the reader's language."),
    )
    cells = models.JSONField(
        verbose_name=_("row values"), default=dict, blank=True, help_text=_("The row's values, by header.")
    )

    # The review: a person's decision, a standing exception's, or one carried over from an earlier screening.
    decision = models.CharField(
        verbose_name=_("decision"), max_length=10, choices=Decision.choices, blank=True, default=Decision.OPEN
    )
    decision_reason = models.TextField(verbose_name=_("decision reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False,
    )
    decided_at = models.DateTimeField(verbose_name=_("decided"), null=True, blank=True)
    decided_by_exception = models.ForeignKey(
        "StandingException", verbose_name=_("decided by exception"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="findings", db_constraint=False,
        db_index=False, help_text=_("The standing exception that dismissed this finding automatically."),
    )
    carried_from = models.ForeignKey(
        "self", verbose_name=_("carried over from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False, db_index=False,
        help_text=_("The finding of an earlier screening whose decision was carried over to this one."),
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["screening", "file_name", "sheet", "row", "field"]
        constraints = [
            # A chunk that runs twice cannot store the same flag twice.
            models.UniqueConstraint(
                fields=["screening", "file_name", "sheet", "row", "field", "party", "rule", "entity_key"],
                name="screening_finding_unique_flag",
            ),
        ]
        indexes = [
            models.Index(fields=["screening", "severity"]),
            models.Index(fields=["screening", "decision"]),
            # Set by a review, after the findings are stored: indexed where set, so a chunk's COPY skips them.
            *(
                models.Index(fields=[name], condition=models.Q(**{f"{name}__isnull": False}), name=index)
                for name, index in (("decided_by", "finding_decided_by_set"),
                                    ("decided_by_exception", "finding_exception_set"),
                                    ("carried_from", "finding_carried_from_set"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.severity}: {self.party} ({self.file_name} {self.sheet} row {self.row})"

    @property
    def rule_title(self) -> str:
        """The rule's title in the active language."""
        from .display import rule_title

        return rule_title(self.rule)

    @property
    def translated_decision_reason(self) -> str:
        """decision_reason in the active language: a standing exception's dismissal is stored as "Standing exception
        #12: <its reason>", in English; a person's reason is shown as they wrote it."""
        found = _EXCEPTION_REASON.fullmatch(self.decision_reason or "")
        if found is None or int(found["number"]) != self.decided_by_exception_id:
            return self.decision_reason
        return gettext("Standing exception #%(number)s: %(reason)s") % {
            "number": found["number"], "reason": found["reason"]
        }

    @property
    def translated_explanation(self) -> str:
        """explanation in the active language."""
        from .messages import stored_message_text

        return stored_message_text(self.explanation_template, self.explanation)

    @property
    def where(self) -> str:
        """"bid.xlsx, sheet RAN, row 14, column Mfr.", in English (as the audit log's details keep it)."""
        return str(self.where_message())

    @property
    def translated_where(self) -> str:
        """where in the active language."""
        from .messages import message_text

        return message_text(self.where_message())

    def where_message(self):
        from .engine.records import Location, where_message

        return where_message(Location(self.file_name, self.sheet, self.row, self.column))


class ScreeningError(models.Model):
    """A problem in an input file that did not stop the screening (or the one that did)."""

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="errors"
    )
    # A cell's problem found while its chunk was screened (replaced if the chunk runs again); null for the
    # problems found while reading the files.
    chunk = models.ForeignKey(
        "ScreeningChunk", verbose_name=_("chunk"),
        null=True, blank=True, on_delete=models.CASCADE, related_name="errors", editable=False
    )
    file_name = models.CharField(verbose_name=_("file name"), max_length=255)
    sheet = models.CharField(verbose_name=_("sheet"), max_length=255, blank=True)
    row = models.PositiveIntegerField(verbose_name=_("row"), null=True, blank=True)
    column = models.CharField(verbose_name=_("column"), max_length=255, blank=True)
    message = models.TextField(verbose_name=_("message"))
    message_template = models.JSONField(
        verbose_name=_("message template"), null=True, blank=True, editable=False,
        help_text=_("The message's template and values, to show it in the reader's language (screening.messages)."),
    )

    class Meta:
        verbose_name = _("screening error")
        verbose_name_plural = _("screening errors")
        ordering = ["screening", "id"]

    def __str__(self) -> str:
        return self.message

    @property
    def translated_message(self) -> str:
        """message in the active language."""
        from .messages import message_text

        return message_text(self.message_template, self.message)


class StandingException(models.Model):
    """An organisation's standing dismissal of one cell value against one listed entity, until revoked.

    Later screenings in the same scope dismiss findings with the same normalised cell value, list name and
    entity name automatically, and say which exception did it.
    """

    scope = models.CharField(verbose_name=_("scope"), max_length=100, blank=True, db_index=True)
    value_key = models.CharField(
        verbose_name=_("value key"),
        max_length=1000, help_text=_("The cell value, normalised (engine.names.normalise).")
    )
    value = models.TextField(
        verbose_name=_("value"), help_text=_("The cell value as written where the exception was made.")
    )
    list_name = models.CharField(verbose_name=_("list"), max_length=200, blank=True)
    entity_name = models.CharField(verbose_name=_("entity"), max_length=500, blank=True)
    reason = models.TextField(verbose_name=_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    source_finding = models.ForeignKey(
        Finding, verbose_name=_("from finding"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The finding whose dismissal made this exception."),
    )
    revoked_at = models.DateTimeField(verbose_name=_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(verbose_name=_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("standing exception")
        verbose_name_plural = _("standing exceptions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["scope", "value_key"])]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "value_key", "list_name", "entity_name"],
                condition=Q(revoked_at__isnull=True),
                name="screening_exception_one_active_per_pair",
            ),
        ]

    def __str__(self) -> str:
        target = f"{self.entity_name} ({self.list_name})" if self.entity_name else "no listed entity"
        return f"'{self.value}' vs {target}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditQuerySet(models.QuerySet):
    # Deleting a user or a screening detaches its entries (SET_NULL); the entries themselves never change.
    _DETACHABLE = frozenset({"screening", "actor", "subject_type"})

    def update(self, **kwargs):
        if kwargs and all(name in self._DETACHABLE and value is None for name, value in kwargs.items()):
            return super().update(**kwargs)
        raise ValidationError("The audit log is append-only: entries cannot be changed.")

    def delete(self):
        raise ValidationError("The audit log is append-only: entries cannot be deleted.")


class AuditEntry(models.Model):
    """One thing a person (or the system) did, written once and never changed: the audit log."""

    scope = models.CharField(verbose_name=_("scope"), max_length=100, blank=True, db_index=True)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_id = models.CharField(  # noqa: DJ001 - as Screening.subject_id
        verbose_name=_("subject ID"), max_length=64, null=True, blank=True
    )
    subject = GenericForeignKey("subject_type", "subject_id")
    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(
        verbose_name=_("user's name"), max_length=300, blank=True, help_text=_("Who, as they were named at the time.")
    )
    action = models.CharField(
        verbose_name=_("action"), max_length=50, db_index=True, help_text='What happened, such as "finding.dismissed".'
    )
    summary = models.TextField(
        verbose_name=_("summary"), help_text=_("What happened, in a sentence a person can read a year later.")
    )
    summary_template = models.JSONField(
        verbose_name=_("summary template"), null=True, blank=True, editable=False,
        help_text=_("The summary's template and values, to show it in the reader's language (screening.messages)."),
    )
    details = models.JSONField(verbose_name=_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValidationError("The audit log is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The audit log is append-only: entries cannot be deleted.")

    @property
    def translated_summary(self) -> str:
        """summary in the active language (the stored English summary for an entry without a template)."""
        from .messages import message_text

        return message_text(self.summary_template, self.summary)

    @property
    def translated_actor_name(self) -> str:
        """actor_name, with "the system" in the active language."""
        if self.actor_id is None and self.actor_name == "the system":
            return gettext("the system")
        return self.actor_name


class ApiToken(models.Model):
    """A secret a program authenticates with, as the user it belongs to. Only its SHA-256 is stored: the token
    is shown once, when it is made. Revoking it stops it at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        verbose_name=_("name"), max_length=100, help_text=_("What the token is for, e.g. the client system's name.")
    )
    prefix = models.CharField(
        verbose_name=_("prefix"), max_length=16, help_text=_("The token's first characters, to tell tokens apart.")
    )
    key_hash = models.CharField(verbose_name=_("key hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(verbose_name=_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name=_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, returned again for a retry with the same body."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(verbose_name=_("idempotency key"), max_length=255)
    method = models.CharField(verbose_name=_("HTTP method"), max_length=10)
    path = models.CharField(verbose_name=_("request path"), max_length=1000)
    fingerprint = models.CharField(
        verbose_name=_("request fingerprint"),
        max_length=64, help_text=_("SHA-256 of the request's method, path and body.")
    )
    status_code = models.PositiveSmallIntegerField(
        verbose_name=_("status code"), null=True, blank=True, help_text=_("Empty while in progress.")
    )
    response = models.JSONField(verbose_name=_("response"), null=True, blank=True)
    headers = models.JSONField(verbose_name=_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="screening_idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
class WebhookEndpoint(models.Model):
    """A URL an API client registered to be told when its scope's screenings finish, fail or change verdict."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    scope = models.CharField(
        verbose_name=_("scope"), max_length=100, blank=True, db_index=True,
        help_text=_("The owner's scope when registered: whose events it gets."),
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        verbose_name=_("secret"),
        max_length=100, help_text=_("Signs every request (HMAC-SHA256); shown to the owner once.")
    )
    events = models.JSONField(
        verbose_name=_("events"),
        default=list, blank=True, help_text=_("The event types to send (screening.done, ...); empty for all.")
    )
    description = models.CharField(verbose_name=_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(verbose_name=_("active"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["owner", "created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint: queued once, tried with backoff until delivered or given up, every try logged."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(
        verbose_name=_("event ID"), help_text=_("The event's id: the same for every endpoint and every try.")
    )
    event_type = models.CharField(verbose_name=_("event type"), max_length=50)
    event_key = models.CharField(
        verbose_name=_("event key"),
        max_length=100, help_text='What the event is about, such as "screening.done:12": queued once per endpoint.'
    )
    payload = models.JSONField(verbose_name=_("payload"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(verbose_name=_("last attempt"), null=True, blank=True)
    response_status = models.PositiveIntegerField(
        verbose_name=_("response status"), null=True, blank=True, help_text=_("The last try's HTTP status.")
    )
    response_body = models.TextField(
        verbose_name=_("response body"), blank=True, help_text=_("The start of the last try's response body.")
    )
    error = models.TextField(verbose_name=_("error"), blank=True, help_text=_("Why the last try failed, when it did."))
    error_template = models.JSONField(
        verbose_name=_("error template"), null=True, blank=True, editable=False,
        help_text=_("The error's template and values, to show it in the reader's language (screening.messages)."),
    )
    attempt_log = models.JSONField(
        verbose_name=_("attempt log"),
        default=list, blank=True, help_text=_("Every try: when, HTTP status, the start of the body, error, duration.")
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(verbose_name=_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The finishing signal may be sent twice (a redelivered task); the event is queued once.
            models.UniqueConstraint(fields=["endpoint", "event_key"], name="screening_webhookdelivery_unique_event"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint} ({self.status})"

    @property
    def translated_error(self) -> str:
        """error in the active language."""
        from .messages import message_text

        return message_text(self.error_template, self.error)
