"""The buying side's API endpoints: the same selectors, services and permissions as the officers' pages."""

from __future__ import annotations

import json

from django.core.files.base import ContentFile
from django.db.models import prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from procurement.access import OrganisationAccess, membership_of
from procurement.bulk import bulk_max_upload_bytes, bulk_upload_create
from procurement.filtersets import TenderFilterSet
from procurement.models import Bid, Lot
from procurement.ocds import tender_release_package
from procurement.selectors import (
    bid_for_user_or_404,
    bulk_upload_for_user_or_404,
    bulk_upload_items,
    bulk_upload_progress,
    supplier_lists_visible,
    tender_bids,
    tender_bulk_uploads,
    tender_for_user_or_404,
    tenders_for_user,
)
from procurement.services import bid_create, bid_rescreen, tender_create, tender_rescreen, tender_update
from screening import conf
from screening.api.base import ApiViewSet, validated
from screening.api.errors import PayloadTooLarge
from screening.api.pagination import Pages
from screening.api.uploads import check_content_length, check_upload
from screening.choices import ListKind

from . import serializers as s

ACCESS = OrganisationAccess()
JSON_BOM_EXTENSIONS = (".jsonl", ".ndjson", ".json")


def _membership(request):
    membership = membership_of(request.user)
    if membership is None:
        raise exceptions.PermissionDenied(gettext("You are not a member of any organisation; ask its administrator."))
    return membership


def _require_screen(request) -> None:
    _membership(request)
    if not ACCESS.can_screen(request.user):
        raise exceptions.PermissionDenied(gettext("Only officers and organisation admins can change tenders and bids."))


def _lists(organisation, ids, kind: str, field: str):
    if ids is None:
        return None
    found = list(supplier_lists_visible(organisation=organisation, kind=kind).filter(pk__in=ids))
    missing = sorted(set(ids) - {supplier_list.pk for supplier_list in found})
    if missing:
        raise exceptions.ValidationError(
            {field: [gettext("No %(kind)s list with id %(ids)s that your organisation may use.")
                     % {"kind": kind, "ids": ", ".join(map(str, missing))}]}
        )
    return found


class TenderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Your organisation's tenders, with their lots and screening policy."""

    serializer_class = s.TenderSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = TenderFilterSet

    def get_queryset(self):
        return tenders_for_user(user=self.request.user).prefetch_related(
            "lots", "restricted_lists", "trusted_lists"
        ).order_by("-created_at", "-pk")

    def get_object(self):
        return tender_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.TenderWriteSerializer, responses={201: s.TenderSerializer})
    def create(self, request):
        _require_screen(request)
        organisation = _membership(request).organisation
        data = dict(validated(s.TenderWriteSerializer, request.data))
        data["restricted_lists"] = _lists(organisation, data.get("restricted_lists"), ListKind.RESTRICTED,
                                          "restricted_lists") or []
        data["trusted_lists"] = _lists(organisation, data.get("trusted_lists"), ListKind.TRUSTED,
                                       "trusted_lists") or []
        tender = tender_create(organisation=organisation, user=request.user, **data)
        return Response(s.TenderSerializer(tender).data, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("procurement-api:tender-detail", args=[tender.pk])})

    @extend_schema(request=s.TenderWriteSerializer, responses={200: s.TenderSerializer})
    def partial_update(self, request, pk=None):
        tender = self.get_object()
        _require_screen(request)
        data = dict(validated(s.TenderWriteSerializer, request.data, partial=True))
        lots = data.pop("lots", None)
        for name, kind in (("restricted_lists", ListKind.RESTRICTED), ("trusted_lists", ListKind.TRUSTED)):
            if name in data:
                data[name] = _lists(tender.organisation, data[name], kind, name)
        tender_update(tender=tender, user=request.user, data=data, lots=lots)
        return Response(s.TenderSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: s.TenderRescreenSerializer})
    @action(detail=True, methods=["post"])
    def rescreen(self, request, pk=None):
        """Re-screen every bid of the tender under its current policy and lists; a bid whose screening still
        runs is skipped, with the reason."""
        tender = self.get_object()
        _require_screen(request)
        result = tender_rescreen(tender=tender, user=request.user)
        return Response({
            "started": [{"bid": screening.subject_id and int(screening.subject_id), "screening": screening.pk}
                        for screening in result.started],
            "skipped": [{"bid": bid.pk, "reason": reason} for bid, reason in result.skipped],
        })


    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="The tender as an OCDS 1.1 release package "
                   "(release-package schema) with the bids extension and this site's extension.")
    @action(detail=True, methods=["get"])
    def ocds(self, request, pk=None):
        """The tender as an OCDS release package: parties, lots, bids with their BOM items, countries of origin,
        subcontracting and screening verdict, and the reports as evaluationReports documents."""
        tender = self.get_object()
        return Response(tender_release_package(tender=tender, base_url=request.build_absolute_uri("/")))


class TenderBidViewSet(mixins.ListModelMixin, ApiViewSet):
    """The bids of one tender; upload a bid as files (multipart) or as JSON."""

    serializer_class = s.BidSerializer
    pagination_class = Pages
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _tender(self):
        return tender_for_user_or_404(user=self.request.user, pk=self.kwargs["tender_pk"])

    def list(self, request, tender_pk=None):
        # tender_bids gives each bid its latest screening in a fixed number of queries, not one per bid.
        bids = tender_bids(tender=self._tender())
        prefetch_related_objects(bids, "documents__file")
        prefetch_related_objects([b.latest_screening for b in bids if b.latest_screening], "files", "subject_type")
        page = self.paginate_queryset(bids)
        return self.get_paginated_response(s.BidSerializer(page, many=True).data)

    def get_queryset(self):  # for the schema
        return Bid.objects.none()

    @extend_schema(
        request={"multipart/form-data": s.BidUploadSerializer, "application/json": s.BidJsonSerializer},
        responses={201: s.BidSerializer},
    )
    def create(self, request, tender_pk=None):
        """Upload a bid. Its files are stored with their SHA-256 and its screening starts at once: poll the
        returned bid (or GET /api/v1/screenings/{id}/) until the screening's status is done."""
        tender = self._tender()
        _require_screen(request)
        check_content_length(request, files=21)
        if request.content_type.startswith("application/json"):
            data = validated(s.BidJsonSerializer, request.data)
            boms, declaration = _json_bid_files(data)
        else:
            data = validated(s.BidUploadSerializer, request.data)
            boms, declaration = data["boms"], data.get("declaration")
            for upload in boms:
                check_upload(upload, field="boms", extensions=_bom_extensions())
            if declaration is not None:
                check_upload(declaration, field="declaration", extensions=_bom_extensions())
        lots = list(Lot.objects.filter(tender=tender, number__in=data["lots"]))
        missing = sorted(set(data["lots"]) - {lot.number for lot in lots})
        if missing:
            raise exceptions.ValidationError({"lots": [gettext("Tender %(reference)s has no lot %(lot)s.")
                                                  % {"reference": tender.reference, "lot": missing[0]}]})
        bid = bid_create(
            tender=tender, user=request.user, bidder_name=data["bidder_name"],
            bidder_country=data["bidder_country"].upper(), bidder_registration=data["bidder_registration"],
            lots=lots, boms=boms, declaration=declaration,
        )
        return Response(s.BidSerializer(bid).data, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("procurement-api:bid-detail", args=[bid.pk])})


def _bom_extensions():
    from screening import conf

    return tuple(conf.get("ALLOWED_EXTENSIONS"))


def _jsonl(rows) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()


def _json_bid_files(data):
    if data.get("cyclonedx"):
        boms = [ContentFile(json.dumps(data["cyclonedx"], ensure_ascii=False).encode(), name="bom.cdx.json")]
    else:
        boms = [ContentFile(_jsonl({k: v for k, v in line.items() if v not in ("", None)} for line in data["lines"]),
                            name="lines.jsonl")]
    declaration = None
    if data.get("subcontractors"):
        declaration = ContentFile(_jsonl(data["subcontractors"]), name="subcontractors.jsonl")
    return boms, declaration


def _bulk_data(bulk_upload) -> dict:
    items = bulk_upload_items(bulk_upload=bulk_upload)
    return s.BulkUploadSerializer({
        "id": bulk_upload.pk, "tender_id": bulk_upload.tender_id, "file": bulk_upload.file,
        "status": bulk_upload.status, "created_at": bulk_upload.created_at,
        "progress": bulk_upload_progress(bulk_upload=bulk_upload, items=items), "items": items,
        "web_url": bulk_upload.get_absolute_url(),
    }).data


class TenderBulkUploadViewSet(mixins.ListModelMixin, ApiViewSet):
    """Many bids in one upload: a ZIP of BOM files or a workbook with one sheet per bidder. Each becomes its own
    bid with its own screening; poll the bulk upload for the combined progress and every file's outcome."""

    serializer_class = s.BulkUploadSerializer
    pagination_class = Pages
    parser_classes = [MultiPartParser, FormParser]

    def _tender(self):
        return tender_for_user_or_404(user=self.request.user, pk=self.kwargs["tender_pk"])

    def list(self, request, tender_pk=None):
        page = self.paginate_queryset(list(tender_bulk_uploads(tender=self._tender())))
        return self.get_paginated_response([_bulk_data(bulk_upload) for bulk_upload in page])

    @extend_schema(request={"multipart/form-data": s.BulkUploadCreateSerializer},
                   responses={202: s.BulkUploadSerializer})
    def create(self, request, tender_pk=None):
        tender = self._tender()
        _require_screen(request)
        check_content_length(request, files=max(1, bulk_max_upload_bytes() // conf.get("MAX_UPLOAD_BYTES") + 1))
        data = validated(s.BulkUploadCreateSerializer, request.data)
        upload = data["file"]
        if upload.size > bulk_max_upload_bytes():
            raise PayloadTooLarge(gettext("%(name)s is %(size)s; the limit is %(limit)s. Split the bids into several "
                                          "uploads.")
                                  % {"name": upload.name, "size": filesizeformat(upload.size),
                                     "limit": filesizeformat(bulk_max_upload_bytes())},
                                  field="file")
        bulk_upload = bulk_upload_create(tender=tender, user=request.user, content=upload)
        return Response(_bulk_data(bulk_upload), status=status.HTTP_202_ACCEPTED,
                        headers={"Location": reverse("procurement-api:bulk-upload-detail", args=[bulk_upload.pk])})


class BulkUploadViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.BulkUploadSerializer
    queryset = Bid.objects.none()  # for the schema; looked up through the selector

    def retrieve(self, request, pk=None):
        """The upload's combined progress and a line per file: bidder, outcome, error, bid and its screening."""
        return Response(_bulk_data(bulk_upload_for_user_or_404(user=request.user, pk=pk)))


class BidViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """One bid: its files (with SHA-256) and its latest screening."""

    serializer_class = s.BidSerializer
    queryset = Bid.objects.none()  # for the schema; bids are looked up through the selector

    def get_object(self):
        return bid_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=None, responses={201: s.BidSerializer})
    @action(detail=True, methods=["post"])
    def rescreen(self, request, pk=None):
        """Screen the bid again, under the tender's current policy and lists; the earlier screening is kept."""
        bid = self.get_object()
        _require_screen(request)
        bid_rescreen(bid=bid, user=request.user)
        return Response(s.BidSerializer(bid).data, status=status.HTTP_201_CREATED)
