"""The officers' pages: tenders, their bids, files, reports and audit log. Thin: forms check, services write.

Every object is looked up through a selector scoped to the user's organisation, so another organisation's
object is "not found" (404). Officers and admins create and change; reviewers read.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from screening.choices import NetworkDomain
from screening.display import severity_override_lines

from .access import OrganisationAccess, membership_of
from .bulk import bulk_upload_create
from .charts import severity_chart, value_share_chart
from .choices import Role
from .filtersets import TenderFilterSet
from .forms import ApiClientForm, BidForm, BulkUploadForm, TenderForm, lot_formset
from .ocds import EXTENSION_DIR, EXTENSION_FILES, tender_release_package
from .reports import audit_csv, tender_summary_rows, tender_summary_xlsx
from .selectors import (
    api_client_for_organisation_or_404,
    api_token_for_organisation_or_404,
    audit_log_available,
    bid_audit_entries,
    bid_for_user_or_404,
    bid_policy,
    bid_screenings,
    bulk_upload_for_user_or_404,
    bulk_upload_items,
    bulk_upload_progress,
    document_for_user_or_404,
    notifications_for_user,
    organisation_api_clients,
    organisation_members,
    tender_audit_entries,
    tender_bids,
    tender_bulk_uploads,
    tender_for_user_or_404,
    tender_list_versions,
    tenders_for_user,
)
from .services import (
    api_client_create,
    api_client_token_create,
    bid_create,
    bid_rescreen,
    notifications_mark_read,
    tender_create,
    tender_rescreen,
    tender_update,
)

ACCESS = OrganisationAccess()
TENDERS_PER_PAGE = 25


def member_required(view):
    """Logged in (else the login page) and a member of an organisation (else a page saying whom to ask)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if membership_of(request.user) is None:
            return render(request, "procurement/no_membership.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _require_screen(request) -> None:
    if not ACCESS.can_screen(request.user):
        raise PermissionDenied("Only procurement officers and organisation admins create tenders and upload bids.")


def _form_errors_from(error: ValidationError, form) -> None:
    """Put a service's ValidationError next to the fields it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# -- tenders


@require_GET
@member_required
def tender_list(request):
    tenders = tenders_for_user(user=request.user).annotate(bid_count=Count("bids")).order_by("-created_at", "-pk")
    filterset = TenderFilterSet(request.GET or None, queryset=tenders)
    page = Paginator(filterset.qs, TENDERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/tender_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_screen": ACCESS.can_screen(request.user),
        },
    )


def _tender_form_page(request, *, tender=None):
    organisation = membership_of(request.user).organisation
    formset_class = lot_formset(extra=1 if tender and tender.lots.exists() else 2)
    if request.method == "POST":
        form = TenderForm(request.POST, instance=tender, organisation=organisation)
        formset = formset_class(request.POST, instance=tender, prefix="lots")
        if form.is_valid() and formset.is_valid():
            try:
                if tender is None:
                    tender = tender_create(
                        organisation=organisation, user=request.user, lots=formset.lot_specs(), **form.tender_data()
                    )
                    messages.success(
                        request,
                        gettext("Tender %(reference)s created.")
                        % {"reference": tender.reference},
                    )
                else:
                    tender = tender_update(
                        tender=tender, user=request.user, data=form.tender_data(), lots=formset.lot_specs()
                    )
                    messages.success(request, gettext("Tender %(reference)s saved.") % {"reference": tender.reference})
            except ValidationError as error:
                _form_errors_from(error, form)
            else:
                return redirect("procurement:tender_detail", pk=tender.pk)
    else:
        form = TenderForm(instance=tender, organisation=organisation)
        formset = formset_class(instance=tender, prefix="lots")
    return render(request, "procurement/tender_form.html", {"form": form, "formset": formset, "tender": tender})


@require_http_methods(["GET", "POST"])
@member_required
def tender_create_view(request):
    _require_screen(request)
    return _tender_form_page(request)


@require_http_methods(["GET", "POST"])
@member_required
def tender_update_view(request, pk):
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    _require_screen(request)
    return _tender_form_page(request, tender=tender)


@require_GET
@member_required
def tender_detail(request, pk):
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    bids = tender_bids(tender=tender)
    return render(
        request,
        "procurement/tender_detail.html",
        {
            "tender": tender,
            "lots": tender.lots.all(),
            "restricted_lists": tender.restricted_lists.all(),
            "trusted_lists": tender.trusted_lists.all(),
            "severity_changes": severity_override_lines(tender.severity_overrides),
            "rows": tender_summary_rows(bids),
            "severity_chart": severity_chart(bids),
            "value_chart": value_share_chart(bids),
            "audit_entries": tender_audit_entries(tender=tender),
            "audit_available": audit_log_available(),
            "can_screen": ACCESS.can_screen(request.user),
            "bulk_uploads": tender_bulk_uploads(tender=tender)[:10],
        },
    )


@require_POST
@member_required
def tender_rescreen_view(request, pk):
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    _require_screen(request)
    result = tender_rescreen(tender=tender, user=request.user)
    if result.started:
        messages.success(
            request,
            gettext("%(count)s bid(s) queued for screening against the current lists.")
            % {"count": len(result.started)},
        )
    elif not result.skipped:
        messages.info(request, gettext("The tender has no bids to screen yet."))
    for bid, why in result.skipped:
        messages.warning(
            request,
            gettext("%(bidder)s not re-screened: %(why)s")
            % {"bidder": bid.bidder_name, "why": why},
        )
    return redirect("procurement:tender_detail", pk=tender.pk)


@require_GET
@member_required
def tender_report(request, pk):
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    bids = tender_bids(tender=tender)
    return render(
        request,
        "procurement/tender_report.html",
        {
            "tender": tender,
            "rows": tender_summary_rows(bids),
            "lots": tender.lots.all(),
            "list_versions": tender_list_versions(tender=tender),
        },
    )


def _download_name(tender, suffix: str) -> str:
    return f"{slugify(tender.reference) or 'tender'}-{suffix}"


@require_GET
@member_required
def tender_report_xlsx(request, pk):
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    content = tender_summary_xlsx(tender=tender, rows=tender_summary_rows(tender_bids(tender=tender)))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(tender, "summary.xlsx")}"'
    return response


@require_GET
@member_required
def tender_audit_csv(request, pk):
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    response = HttpResponse(audit_csv(tender_audit_entries(tender=tender)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(tender, "audit-log.csv")}"'
    return response


@require_GET
@member_required
def tender_ocds(request, pk):
    """The tender as an OCDS release package (the same as the API's /api/v1/tenders/<id>/ocds/)."""
    tender = tender_for_user_or_404(user=request.user, pk=pk)
    package = tender_release_package(tender=tender, base_url=f"{request.scheme}://{request.get_host()}")
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{_download_name(tender, "ocds.json")}"'
    return response


@require_GET
@cache_control(public=True, max_age=24 * 60 * 60)
def ocds_extension_file(request, name):
    """The site's OCDS extension (extension.json, its release schema patch and codelists): public, as the
    `extensions` URL of every export points here."""
    content_type = EXTENSION_FILES.get(name)
    if content_type is None:
        raise Http404("No such extension file.")
    content = (EXTENSION_DIR / name).read_bytes()
    if name == "extension.json":
        # The field-by-field documentation is the schema patch itself, at this site's own address.
        metadata = json.loads(content)
        schema_url = request.build_absolute_uri(reverse("procurement:ocds_extension", args=["release-schema.json"]))
        metadata["documentationUrl"] = {"en": schema_url}
        return JsonResponse(metadata, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return HttpResponse(content, content_type=content_type)


# -- bids


@require_http_methods(["GET", "POST"])
@member_required
def bid_create_view(request, tender_pk):
    tender = tender_for_user_or_404(user=request.user, pk=tender_pk)
    _require_screen(request)
    if request.method == "POST":
        form = BidForm(request.POST, request.FILES, tender=tender)
        if form.is_valid():
            data = form.cleaned_data
            try:
                bid = bid_create(
                    tender=tender,
                    user=request.user,
                    bidder_name=data["bidder_name"],
                    bidder_country=data["bidder_country"],
                    bidder_registration=data["bidder_registration"],
                    lots=data["lots"],
                    boms=data["boms"],
                    declaration=data["declaration"],
                    column_mapping=data["columns"],
                )
            except ValidationError as error:
                _form_errors_from(error, form)
            else:
                if bid_screenings(bid).exists():
                    messages.success(
                        request,
                        gettext("Bid from %(bidder)s stored; screening has started.")
                        % {"bidder": bid.bidder_name},
                    )
                else:
                    messages.warning(
                        request,
                        gettext(
                            "Bid from %(bidder)s and its files are stored, but the screening could not start "
                            "(the reason is in the audit log). Fix the tender's lists, then press Re-screen."
                        ) % {"bidder": bid.bidder_name},
                    )
                return redirect("procurement:bid_detail", pk=bid.pk)
    else:
        form = BidForm(tender=tender)
    return render(request, "procurement/bid_form.html", {"form": form, "tender": tender})


@require_GET
@member_required
def bid_detail(request, pk):
    bid = bid_for_user_or_404(user=request.user, pk=pk)
    screenings = list(bid_screenings(bid).select_related("created_by").prefetch_related("list_versions__supplier_list"))
    for screening, older in zip(screenings, [*screenings[1:], None], strict=False):
        screening.verdict_before = older.verdict if older is not None and older.is_finished else ""
    return render(
        request,
        "procurement/bid_detail.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "lots": bid.lots.all(),
            "documents": bid.documents.select_related("file"),
            "screenings": screenings,
            "latest": screenings[0] if screenings else None,
            "default_domain_label": _domain_label(bid_policy(bid=bid).default_domain),
            "audit_entries": bid_audit_entries(bid=bid),
            "audit_available": audit_log_available(),
            "can_screen": ACCESS.can_screen(request.user),
        },
    )


def _domain_label(domain: str) -> str:
    return NetworkDomain(domain).label if domain else ""


@require_POST
@member_required
def bid_rescreen_view(request, pk):
    bid = bid_for_user_or_404(user=request.user, pk=pk)
    _require_screen(request)
    try:
        with transaction.atomic():
            screening = bid_rescreen(bid=bid, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("Screening #%(number)s queued against the current lists and policy.")
            % {"number": screening.pk},
        )
    return redirect("procurement:bid_detail", pk=bid.pk)


@require_GET
@member_required
def document_download(request, pk):
    """Stream a bid's file from storage to a member of the tender's organisation; never a public media URL."""
    document = document_for_user_or_404(user=request.user, pk=pk)
    upload = document.file
    handle = upload.file.storage.open(upload.file.name, "rb")
    return FileResponse(
        handle, as_attachment=True, filename=upload.original_name, content_type="application/octet-stream"
    )


# -- many bids at once


@require_http_methods(["GET", "POST"])
@member_required
def bulk_upload_create_view(request, tender_pk):
    tender = tender_for_user_or_404(user=request.user, pk=tender_pk)
    _require_screen(request)
    if request.method == "POST":
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                bulk_upload = bulk_upload_create(tender=tender, user=request.user, content=form.cleaned_data["file"])
            except ValidationError as error:
                _form_errors_from(error, form)
            else:
                messages.success(
                    request,
                    gettext("%(file)s stored; its bids are being created and screened.")
                    % {"file": bulk_upload.file.original_name},
                )
                return redirect("procurement:bulk_upload_detail", pk=bulk_upload.pk)
    else:
        form = BulkUploadForm()
    return render(request, "procurement/bulk_upload_form.html", {"form": form, "tender": tender})


@require_GET
@member_required
def bulk_upload_detail(request, pk):
    bulk_upload = bulk_upload_for_user_or_404(user=request.user, pk=pk)
    items = bulk_upload_items(bulk_upload=bulk_upload)
    return render(
        request,
        "procurement/bulk_upload_detail.html",
        {
            "bulk_upload": bulk_upload,
            "tender": bulk_upload.tender,
            "items": items,
            "progress": bulk_upload_progress(bulk_upload=bulk_upload, items=items),
        },
    )


@require_GET
@member_required
def bulk_upload_progress_view(request, pk):
    bulk_upload = bulk_upload_for_user_or_404(user=request.user, pk=pk)
    return JsonResponse(bulk_upload_progress(bulk_upload=bulk_upload), headers={"Cache-Control": "no-store"})


# -- people


@require_GET
@member_required
def members(request):
    return _members_page(request)


def _members_page(request, *, new_token: str = "", api_form=None, status: int = 200):
    membership = membership_of(request.user)
    if membership.role != Role.ADMIN:
        raise PermissionDenied("Only organisation admins see the organisation's people.")
    return render(
        request,
        "procurement/members.html",
        {
            "organisation": membership.organisation,
            "memberships": organisation_members(organisation=membership.organisation).exclude(
                user__api_client__isnull=False
            ),
            "api_clients": organisation_api_clients(organisation=membership.organisation),
            "api_form": api_form or ApiClientForm(),
            "new_token": new_token,
        },
        status=status,
    )


NOTIFICATIONS_PER_PAGE = 50


@require_GET
@member_required
def notifications(request):
    """The user's own notifications, newest first; unread ones marked."""
    found = notifications_for_user(user=request.user)
    page = Paginator(found, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "procurement/notifications.html", {"page": page})


@require_POST
@member_required
def notifications_read(request):
    """Mark one notification (the form's `notification`) or all of the user's unread ones as read."""
    chosen = request.POST.get("notification")
    if chosen:
        if not chosen.isdigit():
            messages.error(request, gettext("That is not a notification."))
            return redirect("procurement:notifications")
        found = list(notifications_for_user(user=request.user).filter(pk=int(chosen)))
        notifications_mark_read(user=request.user, notifications=found)
    else:
        count = notifications_mark_read(user=request.user)
        text = ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count)
        messages.success(request, text % {"count": count})
    return redirect("procurement:notifications")
def _admin_membership(request):
    membership = membership_of(request.user)
    if membership.role != Role.ADMIN:
        raise PermissionDenied("Only organisation admins manage API clients.")
    return membership


@member_required
@require_POST
def api_client_create_view(request):
    membership = _admin_membership(request)
    form = ApiClientForm(request.POST)
    if not form.is_valid():
        return _members_page(request, api_form=form, status=400)
    try:
        client, key = api_client_create(
            organisation=membership.organisation, name=form.cleaned_data["name"], role=form.cleaned_data["role"],
            user=request.user,
        )
    except ValidationError as error:
        _form_errors_from(error, form)
        return _members_page(request, api_form=form, status=400)
    messages.success(request, gettext("API client '%(name)s' created. Copy its token now: it is not shown again.")
                     % {"name": client.name})
    return _members_page(request, new_token=key)


@member_required
@require_POST
def api_client_token_create_view(request, pk):
    client = api_client_for_organisation_or_404(organisation=membership_of(request.user).organisation, pk=pk)
    _admin_membership(request)
    key = api_client_token_create(client=client, user=request.user)
    messages.success(
        request,
        gettext("New token for '%(name)s'. Copy it now: it is not shown again.")
        % {"name": client.name},
    )
    return _members_page(request, new_token=key)


@member_required
@require_POST
def api_token_revoke_view(request, pk):
    from screening.services.tokens import api_token_revoke

    from .access import organisation_scope

    membership = membership_of(request.user)
    token = api_token_for_organisation_or_404(organisation=membership.organisation, pk=pk)
    _admin_membership(request)
    api_token_revoke(token=token, user=request.user, scope=organisation_scope(membership.organisation_id))
    messages.success(request, gettext("Token %(prefix)s… of '%(name)s' revoked.")
                     % {"prefix": token.prefix, "name": token.user.api_client.name})
    return redirect("procurement:members")


def page_not_found(request, exception):
    """The site's 404: JSON in the API's error shape under /api/, the 404 page elsewhere."""
    from django.views.defaults import page_not_found as html_not_found

    from screening.api.errors import is_api_request, json_not_found

    return json_not_found(request) if is_api_request(request) else html_not_found(request, exception)


def server_error(request):
    from django.views.defaults import server_error as html_server_error

    from screening.api.errors import is_api_request, json_server_error

    return json_server_error(request) if is_api_request(request) else html_server_error(request)


@require_POST
def language_set(request):
    """The language switcher: Django's set_language (cookie, safe redirect back), and for a logged-in person the
    choice is also remembered on their profile, so it follows them to their next session on any browser."""
    from django.views.i18n import set_language

    from .middleware import USER_LANGUAGE_SESSION_KEY
    from .services import user_language_set

    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
        request.session[USER_LANGUAGE_SESSION_KEY] = language
    return response
