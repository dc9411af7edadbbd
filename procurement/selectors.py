"""Reads with business meaning: what a user may see, a bid's screenings, the lists and policy a bid is screened under.

Every lookup of an organisation's object goes through here, scoped to the user's organisation, so another
organisation's object is simply not found (404), never "forbidden".
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from screening.engine.policy import PolicyConfig
from screening.models import ListVersion, Screening, SupplierList
from screening.services.matching import list_versions_in_force

from .access import membership_of, organisation_scope
from .choices import OPEN_TENDER_STATUSES, BulkItemOutcome, BulkUploadStatus, Role
from .models import (
    Bid,
    BidDocument,
    BulkUpload,
    BulkUploadItem,
    ColumnMapping,
    Membership,
    Notification,
    Organisation,
    Tender,
    bidder_key,
)


def organisation_of(user) -> Organisation | None:
    membership = membership_of(user)
    return membership.organisation if membership else None


def tenders_for_user(*, user) -> QuerySet[Tender]:
    """The tenders of the user's organisation (none for a user without one)."""
    membership = membership_of(user)
    if membership is None:
        return Tender.objects.none()
    return Tender.objects.filter(organisation_id=membership.organisation_id)


def tender_for_user_or_404(*, user, pk) -> Tender:
    try:
        return tenders_for_user(user=user).select_related("organisation").get(pk=pk)
    except (Tender.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such tender.") from error


def bid_for_user_or_404(*, user, pk) -> Bid:
    membership = membership_of(user)
    try:
        if membership is None:
            raise Bid.DoesNotExist
        return Bid.objects.select_related("tender__organisation").get(
            pk=pk, tender__organisation_id=membership.organisation_id
        )
    except (Bid.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such bid.") from error


def document_for_user_or_404(*, user, pk) -> BidDocument:
    membership = membership_of(user)
    try:
        if membership is None:
            raise BidDocument.DoesNotExist
        return BidDocument.objects.select_related("file", "bid__tender").get(
            pk=pk, bid__tender__organisation_id=membership.organisation_id
        )
    except (BidDocument.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such document.") from error


def bulk_upload_for_user_or_404(*, user, pk) -> BulkUpload:
    membership = membership_of(user)
    try:
        if membership is None:
            raise BulkUpload.DoesNotExist
        return BulkUpload.objects.select_related("tender__organisation", "file", "created_by").get(
            pk=pk, tender__organisation_id=membership.organisation_id
        )
    except (BulkUpload.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such bulk upload.") from error


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__last_name", "user__username")


# -- lists and policy


def supplier_lists_visible(*, organisation: Organisation, kind: str | None = None) -> QuerySet[SupplierList]:
    """Lists the organisation may use: public ones (scope "") and its own, with at least one version."""
    lists = SupplierList.objects.filter(scope__in=["", organisation_scope(organisation.pk)], versions__isnull=False)
    if kind:
        lists = lists.filter(kind=kind)
    return lists.distinct().order_by("kind", "name")


def tender_list_versions(*, tender: Tender) -> list[ListVersion]:
    """The current version of each list the tender names; if it names none, of every active list it may use.

    The plugin's own fallback (every active list) would reach other organisations' private lists, so the
    fallback is narrowed to the lists this organisation may see.
    """
    lists = [*tender.restricted_lists.all(), *tender.trusted_lists.all()]
    if not lists:
        lists = list(supplier_lists_visible(organisation=tender.organisation).filter(is_active=True))
    return list_versions_in_force(lists=lists)


def bid_policy(*, bid: Bid) -> PolicyConfig:
    """The tender's policy as it stands now; a bid for exactly one lot screens undomained lines in its domain, and
    the columns an officer named for this bidder are read as named."""
    tender = bid.tender
    lots = list(bid.lots.all())
    return PolicyConfig(
        review_threshold=tender.review_threshold,
        severities=tender.severity_overrides or {},
        default_domain=lots[0].domain if len(lots) == 1 else "",
        extra_headers=column_mapping_for(organisation=tender.organisation, bidder_name=bid.bidder_name),
    )


def column_mapping_for(*, organisation: Organisation, bidder_name: str) -> dict[str, str]:
    """The BOM columns named by hand for this bidder in this organisation (header -> field), or {}."""
    mapping = ColumnMapping.objects.filter(organisation=organisation, bidder_key=bidder_key(bidder_name)).first()
    return dict(mapping.headers) if mapping else {}


# -- screenings of bids


def _bid_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Bid)


def bid_screenings(bid: Bid) -> QuerySet[Screening]:
    """Every screening of the bid, newest first."""
    return Screening.objects.filter(subject_type=_bid_content_type(), subject_id=str(bid.pk)).order_by(
        "-created_at", "-pk"
    )


def bid_latest_screening(bid: Bid) -> Screening | None:
    return bid_screenings(bid).first()


def tender_bids(*, tender: Tender) -> list[Bid]:
    """The tender's bids, each with `latest_screening` (or None) and `document_count`, in a fixed number of queries."""
    latest = (
        Screening.objects.filter(
            subject_type=_bid_content_type(), subject_id=Cast(OuterRef("pk"), output_field=CharField())
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    bids = list(
        tender.bids.annotate(latest_screening_id=Subquery(latest), document_count=Count("documents", distinct=True))
        .prefetch_related("lots")
        .order_by("created_at", "pk")
    )
    screenings = Screening.objects.prefetch_related("list_versions__supplier_list").in_bulk(
        [bid.latest_screening_id for bid in bids if bid.latest_screening_id]
    )
    for bid in bids:
        bid.tender = tender
        bid.latest_screening = screenings.get(bid.latest_screening_id)
    return bids


def _latest_screening_ids(bids: QuerySet[Bid]) -> QuerySet[Bid]:
    latest = (
        Screening.objects.filter(
            subject_type=_bid_content_type(), subject_id=Cast(OuterRef("pk"), output_field=CharField())
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return bids.annotate(latest_screening_id=Subquery(latest))


# -- open tenders: what list imports and the daily task re-screen


def open_tenders() -> QuerySet[Tender]:
    """Tenders whose bids are still being decided on (procurement.choices.OPEN_TENDER_STATUSES)."""
    return Tender.objects.filter(status__in=OPEN_TENDER_STATUSES)


def open_tenders_using_list(*, supplier_list: SupplierList) -> QuerySet[Tender]:
    """Open tenders screened against the list: those naming it, and those naming no list while it is an active
    list their organisation may use (the fallback of `tender_list_versions`)."""
    names_it = Q(restricted_lists=supplier_list) | Q(trusted_lists=supplier_list)
    condition = names_it
    if supplier_list.is_active:
        names_none = Q(restricted_lists__isnull=True, trusted_lists__isnull=True)
        if supplier_list.scope:
            names_none &= Q(organisation_id=_organisation_of_scope(supplier_list.scope))
        condition |= names_none
    return open_tenders().filter(condition).distinct()


def _organisation_of_scope(scope: str) -> int | None:
    prefix = organisation_scope(0)[:-1]  # "org:"
    return int(scope[len(prefix):]) if scope.startswith(prefix) and scope[len(prefix):].isdigit() else None


def bids_with_latest_screening(*, tenders: QuerySet[Tender]) -> list[tuple[Bid, Screening | None]]:
    """Every bid of the tenders with its latest screening (or None), in two queries."""
    bids = list(
        _latest_screening_ids(Bid.objects.filter(tender__in=tenders)).select_related("tender").order_by("pk")
    )
    screenings = Screening.objects.in_bulk([bid.latest_screening_id for bid in bids if bid.latest_screening_id])
    return [(bid, screenings.get(bid.latest_screening_id)) for bid in bids]


def tender_officers(*, tender: Tender):
    """The people told about the tender's re-screens: its organisation's officers and admins with an account."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        membership__organisation_id=tender.organisation_id,
        membership__role__in=[Role.OFFICER, Role.ADMIN],
        is_active=True,
    ).order_by("pk")


def notifications_for_user(*, user) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).select_related("tender", "bid", "screening")


def unread_notification_count(*, user) -> int:
    return notifications_for_user(user=user).filter(read_at__isnull=True).count()


# -- the audit log (kept by the screening plugin)


def _audit_entry_model():
    try:
        from screening.models import AuditEntry
    except ImportError:  # the plugin's audit log is not installed yet
        return None
    return AuditEntry


def audit_log_available() -> bool:
    return _audit_entry_model() is not None


def tender_audit_entries(*, tender: Tender):
    """The audit entries about the tender, its bids and their screenings, oldest first."""
    model = _audit_entry_model()
    if model is None:
        return []
    bid_ids = [str(pk) for pk in tender.bids.values_list("pk", flat=True)]
    about = Q(subject_type=ContentType.objects.get_for_model(Tender), subject_id=str(tender.pk)) | Q(
        subject_type=_bid_content_type(), subject_id__in=bid_ids
    )
    screening_ids = Screening.objects.filter(subject_type=_bid_content_type(), subject_id__in=bid_ids).values("pk")
    about |= Q(screening_id__in=screening_ids)
    return _audit_entries(model, about, tender.organisation_id)


def bid_audit_entries(*, bid: Bid):
    model = _audit_entry_model()
    if model is None:
        return []
    about = Q(subject_type=_bid_content_type(), subject_id=str(bid.pk)) | Q(
        screening_id__in=bid_screenings(bid).values("pk")
    )
    return _audit_entries(model, about, bid.tender.organisation_id)


def _audit_entries(model, about: Q, organisation_id: int):
    return (
        model.objects.filter(about, scope=organisation_scope(organisation_id))
        .select_related("subject_type")
        .prefetch_related("subject")
        .order_by("created_at", "pk")
    )


def organisation_api_clients(*, organisation: Organisation):
    from .models import ApiClient

    return (
        ApiClient.objects.filter(organisation=organisation)
        .select_related("user__membership")
        .prefetch_related("user__api_tokens")
        .order_by("name")
    )


def api_client_for_organisation_or_404(*, organisation: Organisation, pk):
    return get_object_or_404(organisation_api_clients(organisation=organisation), pk=pk)


def api_token_for_organisation_or_404(*, organisation: Organisation, pk):
    from screening.models import ApiToken

    return get_object_or_404(
        ApiToken.objects.select_related("user__api_client"), pk=pk, user__api_client__organisation=organisation
    )


def user_language(*, user) -> str:
    """The interface language the user chose in the switcher, or "" when they left it to the browser."""
    from .models import UserPreference

    return UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""


# -- bulk uploads


def tender_bulk_uploads(*, tender: Tender) -> QuerySet[BulkUpload]:
    return tender.bulk_uploads.select_related("file", "created_by").order_by("-created_at", "-pk")


def bulk_upload_items(*, bulk_upload: BulkUpload) -> list[BulkUploadItem]:
    """The upload's items in order, each with `latest_screening` (its bid's, or None), in a fixed number of queries."""
    latest = (
        Screening.objects.filter(
            subject_type=_bid_content_type(), subject_id=Cast(OuterRef("bid_id"), output_field=CharField())
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    items = list(
        bulk_upload.items.select_related("bid").annotate(latest_screening_id=Subquery(latest)).order_by("position")
    )
    screenings = Screening.objects.in_bulk([item.latest_screening_id for item in items if item.latest_screening_id])
    for item in items:
        item.latest_screening = screenings.get(item.latest_screening_id)
    return items


def bulk_upload_progress(*, bulk_upload: BulkUpload, items: list[BulkUploadItem] | None = None) -> dict:
    """Combined progress of the upload: the bids being created, then their screenings (in screening.js's shape)."""
    items = bulk_upload_items(bulk_upload=bulk_upload) if items is None else items
    total = len(items)
    settled = sum(1 for item in items if item.outcome != BulkItemOutcome.PENDING)
    screenings = [item.latest_screening for item in items if item.latest_screening is not None]
    screened = sum(1 for screening in screenings if screening.is_finished)
    rows_done = sum(screening.rows_done for screening in screenings)
    rows_total = sum(screening.rows_total for screening in screenings)
    created = settled / total if total else 0.0
    screening_share = sum(screening.progress for screening in screenings) / len(screenings) if screenings else 0.0
    if bulk_upload.status == BulkUploadStatus.FAILED:
        progress, label = 1.0, gettext("Failed")
    elif bulk_upload.status == BulkUploadStatus.QUEUED:
        progress, label = 0.0, gettext("Queued")
    elif bulk_upload.status == BulkUploadStatus.RUNNING:
        progress = 0.2 * created
        label = (gettext("Creating bids: %(settled)s of %(total)s files") % {"settled": settled, "total": total}
                 if total else gettext("Reading the file…"))
    elif screened < len(screenings):
        progress = 0.2 + 0.8 * screening_share
        label = gettext("Screening: %(screened)s of %(total)s bids done") % {"screened": screened,
                                                                               "total": len(screenings)}
    else:
        progress, label = 1.0, gettext("Done")
    return {
        "status": bulk_upload.status,
        "status_display": label,
        "items_total": total,
        "items_done": settled,
        "items_ok": sum(1 for item in items if item.outcome == BulkItemOutcome.OK),
        "items_failed": sum(1 for item in items if item.outcome == BulkItemOutcome.ERROR),
        "screenings_total": len(screenings),
        "screenings_finished": screened,
        "rows_done": rows_done,
        "rows_total": rows_total,
        "progress": round(progress, 4),
        "finished": bulk_upload.is_finished and screened == len(screenings),
        "error_message": bulk_upload.translated_error,
    }
