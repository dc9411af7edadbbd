"""The plugin's API endpoints: thin doors into the same selectors and services the web pages use."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from screening import selectors
from screening.access import access
from screening.choices import FileRole
from screening.filtersets import EntityFilterSet, FindingFilterSet
from screening.forms import LIST_EXTENSIONS
from screening.messages import message_text
from screening.models import Entity, SupplierList, WebhookDelivery
from screening.services import webhooks
from screening.services.lists import ListImportError, supplier_list_import
from screening.services.matching import list_versions_in_force
from screening.services.reviews import finding_decide
from screening.services.screenings import (
    screening_cancel,
    screening_rescreen,
    screening_start,
    uploaded_file_create,
)

from . import serializers as s
from .base import ApiView, ApiViewSet, validated
from .errors import ApiError, error
from .pagination import FindingCursor, Pages
from .uploads import check_content_length, check_upload


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise exceptions.PermissionDenied(message)


def _lists_or_400(user, ids, field: str = "lists"):
    if not ids:
        return None
    lists = list(selectors.lists_for_user(user=user).filter(pk__in=ids))
    missing = sorted(set(ids) - {supplier_list.pk for supplier_list in lists})
    if missing:
        raise exceptions.ValidationError(
            {field: [gettext("No list with id %(ids)s that you may see.") % {"ids": ", ".join(map(str, missing))}]}
        )
    return lists


# -- screenings


class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Screenings of your organisation: status, progress, verdict, counts, list versions and timings."""

    serializer_class = s.ScreeningSerializer
    pagination_class = Pages
    filterset_class = None  # the findings action's

    def get_queryset(self):
        if self.action == "findings":  # for the filters' documentation; the screening is looked up below
            return selectors.findings_for_user(user=self.request.user)
        return (
            selectors.screenings_for_user(user=self.request.user)
            .select_related("subject_type")
            .prefetch_related("list_versions__supplier_list", "files")
            .order_by("-created_at", "-pk")
        )

    def get_object(self):
        screening = selectors.screening_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, screening)
        return screening

    @extend_schema(request={"multipart/form-data": s.ScreeningStartSerializer},
                   responses={201: s.ScreeningSerializer})
    def create(self, request):
        """Screen BOM files outside any tender: upload them and get a queued screening to poll."""
        _require(access().can_screen(request.user), gettext("Only an officer can start a screening."))
        check_content_length(request, files=20)
        data = validated(s.ScreeningStartSerializer, request.data)
        for upload in data["boms"]:
            check_upload(upload, field="boms")
        if data.get("declaration"):
            check_upload(data["declaration"], field="declaration")
        lists = _lists_or_400(request.user, data.get("lists"))
        scope = selectors.user_scope(request.user) or ""
        with transaction.atomic():
            files = [uploaded_file_create(content=f, name=f.name, role=FileRole.BOM, user=request.user)
                     for f in data["boms"]]
            if data.get("declaration"):
                files.append(uploaded_file_create(content=data["declaration"], name=data["declaration"].name,
                                                  role=FileRole.DECLARATION, user=request.user))
            versions = list_versions_in_force(lists=lists) if lists is not None else None
            screening = screening_start(files=files, list_versions=versions, bidder=data["bidder"],
                                        label=data["label"], scope=scope, user=request.user)
        return _created(screening, self.get_serializer)

    @extend_schema(request=None, responses={200: s.ScreeningSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Stop a queued or running screening; its files are kept. A finished one is returned as it is."""
        screening = self.get_object()
        _require(access().can_screen(request.user), gettext("Only an officer can cancel a screening."))
        screening_cancel(screening=screening, user=request.user)
        return Response(self.get_serializer(screening).data)

    @extend_schema(request=None, responses={201: s.ScreeningSerializer})
    @action(detail=True, methods=["post"])
    def rescreen(self, request, pk=None):
        """Screen the same files again against the current list versions, beside this screening."""
        screening = self.get_object()
        _require(access().can_screen(request.user), gettext("Only an officer can re-screen."))
        if not screening.is_finished:
            raise ApiError(409, [error("path", "id", gettext("This screening is still running; re-screen it once it "
                                                             "has finished, or cancel it first."))])
        new = screening_rescreen(screening=screening, user=request.user)
        return _created(new, self.get_serializer)

    @extend_schema(responses={200: s.FindingPageSerializer},
                   parameters=[OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 1000.")])
    @action(detail=True, methods=["get"], filter_backends=[DjangoFilterBackend], filterset_class=FindingFilterSet,
            pagination_class=FindingCursor, serializer_class=s.FindingSerializer)
    def findings(self, request, pk=None):
        """The screening's findings, filtered by severity, rule, field, sheet, domain or decision; by cursor."""
        screening = self.get_object()
        queryset = self.filter_queryset(selectors.findings_for_screening(screening=screening))
        page = self.paginate_queryset(queryset.order_by("pk"))
        return self.get_paginated_response(s.FindingSerializer(page, many=True).data)

    @extend_schema(responses={200: s.ScreeningErrorSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=s.ScreeningErrorSerializer, filter_backends=[])
    def errors(self, request, pk=None):
        """What could not be read in the screening's files: file, sheet, row, column and message."""
        screening = self.get_object()
        page = self.paginate_queryset(selectors.screening_errors(screening=screening))
        return self.get_paginated_response(s.ScreeningErrorSerializer(page, many=True).data)

    @extend_schema(request=s.BulkDecisionSerializer, responses={200: s.FindingSerializer(many=True)})
    @action(detail=True, methods=["post"], serializer_class=s.BulkDecisionSerializer, filter_backends=[],
            pagination_class=None)
    def decisions(self, request, pk=None):
        """Confirm, dismiss or reopen many findings of this screening at once, with one reason."""
        screening = self.get_object()
        _require(access().can_review(request.user), gettext("Only a reviewer can decide on findings."))
        data = validated(s.BulkDecisionSerializer, request.data)
        findings = list(selectors.findings_for_screening(screening=screening).filter(pk__in=data["findings"]))
        missing = sorted(set(data["findings"]) - {f.pk for f in findings})
        if missing:
            raise exceptions.ValidationError(
                {"findings": [gettext("Not findings of screening %(number)s: %(ids)s.")
                              % {"number": screening.pk, "ids": ", ".join(map(str, missing[:20]))}]}
            )
        decided = finding_decide(findings=findings, decision=data["decision"], reason=data["reason"],
                                 user=request.user, save_exception=data["standing_exception"])
        return Response(s.FindingSerializer(decided, many=True).data)

    def filter_queryset(self, queryset):
        if self.action != "findings":
            return queryset
        return super().filter_queryset(queryset)


def _created(screening, serializer):
    screening.refresh_from_db()
    return Response(serializer(screening).data, status=status.HTTP_201_CREATED,
                    headers={"Location": reverse("screening-api:screening-detail", args=[screening.pk])})


class FindingViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """One finding, with its evidence; decide on it."""

    serializer_class = s.FindingSerializer

    def get_queryset(self):
        return selectors.findings_for_user(user=self.request.user).select_related(
            "entity__version__supplier_list", "decided_by", "screening"
        )

    @extend_schema(request=s.DecisionSerializer, responses={200: s.FindingSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.DecisionSerializer)
    def decision(self, request, pk=None):
        """Confirm, dismiss or reopen the finding with a reason; a dismissal can become a standing exception."""
        finding = self.get_object()
        _require(access().can_review(request.user), gettext("Only a reviewer can decide on findings."))
        data = validated(s.DecisionSerializer, request.data)
        finding_decide(findings=[finding], decision=data["decision"], reason=data["reason"], user=request.user,
                       save_exception=data["standing_exception"])
        return Response(s.FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)


# -- lists


class SupplierListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The lists you may see: the public ones and your organisation's own."""

    serializer_class = s.SupplierListSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self):
        return selectors.lists_for_user(user=self.request.user).order_by("kind", "name")

    @extend_schema(responses={200: s.ListVersionSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=s.ListVersionSerializer)
    def versions(self, request, pk=None):
        supplier_list = self.get_object()
        page = self.paginate_queryset(supplier_list.versions.select_related("supplier_list").order_by("-number"))
        return self.get_paginated_response(s.ListVersionSerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": s.ListImportSerializer}, responses={201: s.ListVersionSerializer,
                                                                                       200: s.ListVersionSerializer})
    @action(detail=False, methods=["post"], url_path="import", serializer_class=s.ListImportSerializer)
    def import_version(self, request):
        """Import a list file as the next version of the named list (a new name makes a new list of your
        organisation). The same file again returns the current version (200) and creates nothing. A file with any
        bad row imports nothing: every bad row is reported with its row number."""
        _require(access().can_manage_lists(request.user) or request.user.is_staff,
                 gettext("Only an organisation admin can import lists."))
        check_content_length(request)
        data = validated(s.ListImportSerializer, request.data)
        upload = data["file"]
        check_upload(upload, field="file", extensions=LIST_EXTENSIONS)
        scope = selectors.user_scope(request.user) or ""
        existing = SupplierList.objects.filter(name=data["name"]).first()
        if existing is not None:
            may = selectors.lists_for_user(user=request.user).filter(pk=existing.pk).exists() and (
                (existing.scope and existing.scope == scope and access().can_manage_lists(request.user))
                or (not existing.scope and request.user.is_staff)
            )
            if not may:
                raise exceptions.ValidationError({"name": [gettext("This name is taken by a list you may not change; "
                                                                   "choose another name.")]})
        before = existing.current_version if existing else None
        try:
            with transaction.atomic():
                version = supplier_list_import(
                    fileobj=upload, filename=upload.name, name=data["name"], kind=data["kind"],
                    publisher=data["publisher"], note=data["note"], user=request.user,
                    scope=existing.scope if existing else scope, list_format=data.get("format") or None,
                )
        except ListImportError as problem:
            more = problem.more_message()
            raise ApiError(400, [
                error("body", "file", message_text(e.text), file=e.location.file, sheet=e.location.sheet,
                      row=e.location.row, column=e.location.column)
                for e in problem.errors[:1000]
            ] + ([error("body", "file", message_text(more))] if more else [])) from None
        created = before is None or version.pk != before.pk
        return Response(s.ListVersionSerializer(version).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ListVersionViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.ListVersionSerializer
    pagination_class = Pages

    def get_queryset(self):
        return selectors.versions_for_user(user=self.request.user)

    @extend_schema(responses={200: s.EntitySerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=s.EntitySerializer)
    def entities(self, request, pk=None):
        version = self.get_object()
        entities = selectors.entities_with_relations(version=version).select_related("version__supplier_list")
        page = self.paginate_queryset(entities)
        return self.get_paginated_response(s.EntitySerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("against", OpenApiTypes.INT, required=True,
                                     description="The id of the earlier version of the same list.")],
        responses={200: s.VersionDiffSerializer},
    )
    @action(detail=True, methods=["get"], serializer_class=s.VersionDiffSerializer)
    def diff(self, request, pk=None):
        """Entities added, removed and changed (names, aliases, country, identifiers, relations) between two
        versions of one list."""
        after = self.get_object()
        against = request.query_params.get("against", "")
        if not against.isdigit():
            raise _query_error("against", gettext("Give the id of the version to compare with, e.g. ?against=3."))
        before = selectors.versions_for_user(user=request.user).filter(pk=int(against)).first()
        if before is None or before.supplier_list_id != after.supplier_list_id:
            raise _query_error("against", gettext("Version %(version)s is not a version of '%(list)s' that you may "
                                                  "see.")
                               % {"version": against, "list": after.supplier_list.name})
        comparison = selectors.version_compare(before=before, after=after)
        return Response(_diff_data(comparison))


def _diff_data(comparison) -> dict:
    def names(items):
        return sorted(getattr(item, "name", item) for item in items)

    return {
        "before": s.ListVersionSerializer(comparison.before).data,
        "after": s.ListVersionSerializer(comparison.after).data,
        "added": names(comparison.added),
        "removed": names(comparison.removed),
        "changed": [
            {"name": change.name, "changes": [f"{what}: {old} → {new}" for what, old, new in change.changes]}
            for change in comparison.changed
        ],
        "relations_added": [_relation(r) for r in comparison.relations_added],
        "relations_removed": [_relation(r) for r in comparison.relations_removed],
        "relations_changed": [_relation(r) for r in comparison.relations_changed],
    }


def _relation(relation) -> dict:
    return {"child": relation.child, "kind": relation.kind, "parent": relation.parent,
            "divested": relation.divested, "divested_before": relation.divested_before}


def _query_error(field: str, message: str):
    problem = exceptions.ValidationError({field: [message]})
    problem.location = "query"
    return problem


class EntityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Entities of the current versions of the lists you see; search by name or alias with ?q=."""

    serializer_class = s.EntitySerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = EntityFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entity.objects.none()
        if self.action == "retrieve":
            return selectors.entities_for_user(user=self.request.user).prefetch_related("parent_relations__parent")
        versions = selectors.current_versions_for_user(user=self.request.user)
        return (
            selectors.entities_for_user(user=self.request.user)
            .filter(version__in=versions)
            .prefetch_related("parent_relations__parent")
            .order_by("name", "pk")
        )


class MatchView(ApiView):
    """Check a company name before it appears in a BOM: the listed entities it may be, with score, explanation
    and the ownership chain to the top of its group."""

    @extend_schema(request=s.MatchRequestSerializer, responses={200: s.MatchResponseSerializer})
    def post(self, request):
        data = validated(s.MatchRequestSerializer, request.data)
        lists = _lists_or_400(request.user, data.get("lists"))
        candidates = selectors.name_candidates(user=request.user, name=data["name"], lists=lists)
        return Response({"name": data["name"], "country": data["country"].upper(), "candidates": [
            {
                "entity": s.EntityBriefSerializer(c.entity).data,
                "score": round(c.score, 4),
                "matched_name": c.matched_name,
                "explanation": c.explanation,
                "chain": [c.entity.name, *(owner.name for owner in c.chain)],
                "restricted_parent": s.EntityBriefSerializer(c.chain[-1]).data if c.chain else None,
            }
            for c in candidates
        ]})




# -- webhooks


class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Your callback URLs: when one of your organisation's screenings is done, fails, is cancelled or changes
    verdict, a signed JSON event is POSTed to each (see the README's Webhooks section)."""

    serializer_class = s.WebhookSerializer
    pagination_class = Pages

    def get_queryset(self):
        return selectors.webhooks_for_user(user=self.request.user).order_by("pk")

    def get_object(self):
        return selectors.webhook_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.WebhookWriteSerializer, responses={201: s.WebhookCreatedSerializer})
    def create(self, request):
        data = validated(s.WebhookWriteSerializer, request.data)
        endpoint, secret = webhooks.webhook_create(owner=request.user, url=data["url"], events=data["events"],
                                                   description=data["description"])
        body = {**s.WebhookSerializer(endpoint).data, "secret": secret}
        return Response(body, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("screening-api:webhook-detail", args=[endpoint.pk])})

    @extend_schema(request=s.WebhookWriteSerializer, responses={200: s.WebhookSerializer})
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = validated(s.WebhookWriteSerializer, request.data, partial=True)
        endpoint = webhooks.webhook_update(endpoint=endpoint, user=request.user, url=data.get("url"),
                                           events=data.get("events"), description=data.get("description"),
                                           is_active=data.get("is_active"))
        return Response(s.WebhookSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Remove the callback URL and its delivery log."""
        webhooks.webhook_delete(endpoint=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: s.WebhookSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret, shown only now; the old one stops at once."""
        return Response({"secret": webhooks.webhook_rotate_secret(endpoint=self.get_object(), user=request.user)})

    @extend_schema(responses={200: s.WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=s.WebhookDeliverySerializer)
    def deliveries(self, request, pk=None):
        """Every event sent to this URL, newest first, with each try's status, response and error."""
        endpoint = self.get_object()
        page = self.paginate_queryset(selectors.deliveries_for_user(user=request.user).filter(endpoint=endpoint))
        return self.get_paginated_response(s.WebhookDeliverySerializer(page, many=True).data)


class WebhookDeliveryViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()  # for the schema; looked up through the selector

    def get_object(self):
        return selectors.delivery_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=None, responses={200: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send the event again (a failed delivery, or a delivered one the receiver lost)."""
        delivery = webhooks.webhook_delivery_redeliver(delivery=self.get_object(), user=request.user)
        return Response(s.WebhookDeliverySerializer(delivery).data)
