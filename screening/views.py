"""The plugin's web pages: thin doors into the selectors and services.

Every object is looked up through a selector scoped to the user, so another organisation's object is not found
(404); a missing role within the scope is forbidden (403).
"""

from __future__ import annotations

import csv
import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from screening import charts, selectors
from screening.access import access
from screening.choices import Decision, ScreeningStatus, Severity
from screening.display import finding_views, policy_lines
from screening.exports import safe_cell
from screening.filtersets import AuditEntryFilterSet, EntityFilterSet, FindingFilterSet, StandingExceptionFilterSet
from screening.forms import FindingDecisionForm, ReasonForm, WebListImportForm
from screening.messages import message_text
from screening.reports import screening_report_xlsx
from screening.services.lists import ListImportError, supplier_list_import
from screening.services.reviews import exception_revoke, finding_decide
from screening.services.screenings import screening_cancel, screening_rescreen

PAGE_SIZE = 50


def _page(request, items, size: int | None = None):
    return Paginator(items, size or PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


def _permissions(user) -> dict:
    policy = access()
    return {
        "can_screen": policy.can_screen(user),
        "can_review": policy.can_review(user),
        "can_manage_lists": policy.can_manage_lists(user),
    }


# -- a screening


def _screening_context(request, screening, *, all_findings: bool = False) -> dict:
    versions = screening.list_versions.select_related("supplier_list", "imported_by").order_by("supplier_list__name")
    context = {
        "screening": screening,
        "subject": screening.subject,
        "subject_url": selectors.subject_url(screening),
        "files": screening.files.order_by("pk"),
        "versions": versions,
        "policy": policy_lines(screening),
        "previous": selectors.screening_previous(screening=screening),
        "rescreens": screening.rescreens.order_by("-created_at"),
        "counts": [(value, label, screening.counts[value]) for value, label in Severity.choices],
        **_permissions(request.user),
    }
    errors = selectors.screening_errors(screening=screening)
    context["error_total"] = errors.count()
    context["errors"] = errors[:500]
    if screening.status != ScreeningStatus.DONE:
        return context
    chart = selectors.findings_chart(screening=screening)
    context["severity_chart"] = charts.severity_chart(chart.by_severity)
    context["vendor_chart"] = charts.vendor_chart(chart.top_vendors)
    findings = selectors.findings_for_screening(screening=screening)
    context["open_count"] = findings.filter(decision=Decision.OPEN).count()
    context["finding_total"] = findings.count()
    if all_findings:
        context["findings"] = finding_views(findings, screening=screening)
        return context
    filterset = FindingFilterSet(request.GET or None, queryset=findings)
    sheets = sorted(s for s in findings.values_list("sheet", flat=True).distinct() if s)
    filterset.form.fields["sheet"].widget = forms.Select(
        choices=[("", gettext("Any sheet")), *[(s, s) for s in sheets]]
    )
    page = _page(request, filterset.qs)
    context.update(
        filterset=filterset,
        page=page,
        findings=finding_views(page.object_list, screening=screening),
        query=_query_without_page(request),
    )
    return context


def _render_detail(request, screening, *, decide_form=None, status: int = 200):
    context = _screening_context(request, screening)
    page_url = reverse("screening:detail", args=[screening.pk])
    context["decide_form"] = decide_form
    context["page_url"] = page_url
    # After a refused decision this page answers the POST: links and "next" must still lead to the page.
    context["return_url"] = _next_url(request, page_url) if request.method == "POST" else request.get_full_path()
    return render(request, "screening/screening_detail.html", context, status=status)


@login_required
@require_GET
def screening_detail(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    return _render_detail(request, screening)


@login_required
@require_GET
def screening_progress(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    return JsonResponse(
        {
            "status": screening.status,
            "status_display": screening.get_status_display(),
            "rows_done": screening.rows_done,
            "rows_total": screening.rows_total,
            "progress": round(screening.progress, 4),
            "verdict": screening.verdict,
            "counts": screening.counts,
            "finished": screening.is_finished,
            "detail_url": reverse("screening:detail", args=[screening.pk]),
            "error_message": screening.translated_error,
        },
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_POST
def screening_cancel_view(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    if not access().can_screen(request.user):
        raise PermissionDenied("Only an officer can cancel a screening.")
    if screening_cancel(screening=screening, user=request.user):
        messages.success(
            request,
            gettext("Screening #%(number)s was cancelled; its files are kept.")
            % {"number": screening.pk},
        )
    else:
        messages.info(request, gettext("Screening #%(number)s had already finished.") % {"number": screening.pk})
    return redirect("screening:detail", pk=screening.pk)


@login_required
@require_POST
def screening_rescreen_view(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    if not access().can_screen(request.user):
        raise PermissionDenied("Only an officer can re-screen.")
    if not screening.is_finished:
        messages.error(request, gettext("This screening is still running; re-screen it once it has finished."))
        return redirect("screening:detail", pk=screening.pk)
    new = screening_rescreen(screening=screening, user=request.user)
    messages.success(
        request,
        gettext("Screening #%(new)s started against the current list versions; #%(old)s and its decisions are kept.")
        % {"new": new.pk, "old": screening.pk},
    )
    return redirect("screening:detail", pk=new.pk)


@login_required
@require_GET
def screening_compare(request, pk: int, other_pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    other = selectors.screening_for_user_or_404(user=request.user, pk=other_pk)
    comparison = selectors.screening_compare(before=other, after=screening)
    return render(
        request,
        "screening/screening_compare.html",
        {
            "comparison": comparison,
            "screening": screening,
            "added": finding_views(comparison.added, screening=comparison.after),
            "removed": finding_views(comparison.removed, screening=comparison.before),
        },
    )


@login_required
@require_POST
def finding_decide_view(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    if not access().can_review(request.user):
        raise PermissionDenied("Only a reviewer can decide on findings.")
    form = FindingDecisionForm(
        request.POST,
        findings_queryset=screening.findings.select_related("entity__version__supplier_list", "screening"),
    )
    if not form.is_valid():
        messages.error(request, gettext("Nothing was decided: see the form below the findings."))
        return _render_detail(request, screening, decide_form=form)
    data = form.cleaned_data
    try:
        decided = finding_decide(
            findings=data["findings"],
            decision=data["decision"],
            reason=data["reason"],
            user=request.user,
            save_exception=data["save_exception"],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render_detail(request, screening, decide_form=form)
    label = Decision(data["decision"]).label.lower() if data["decision"] else gettext("reopened")
    if data["save_exception"]:
        text = gettext("%(count)s finding(s) %(decision)s and saved as a standing exception.")
    else:
        text = gettext("%(count)s finding(s) %(decision)s.")
    messages.success(request, text % {"count": len(decided), "decision": label})
    return redirect(_next_url(request, reverse("screening:detail", args=[screening.pk]) + "#findings"))


@login_required
@require_GET
def screening_audit(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    entries = selectors.screening_audit_entries(screening=screening)
    if request.GET.get("format") == "csv":
        return _audit_csv(entries, filename=f"screening-{screening.pk}-audit.csv")
    filterset = AuditEntryFilterSet(request.GET or None, queryset=entries)
    return render(
        request,
        "screening/screening_audit.html",
        {"screening": screening, "filterset": filterset, "page": _page(request, filterset.qs, 100),
         "query": _query_without_page(request)},
    )


def _audit_csv(entries, *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["When (UTC)", "Who", "Action", "Summary", "Screening", "Subject", "Details"])
    for entry in entries:
        subject = f"{entry.subject_type.model if entry.subject_type_id else ''} {entry.subject_id or ''}".strip()
        writer.writerow(
            [
                safe_cell(f"{entry.created_at:%Y-%m-%d %H:%M:%S}"),
                safe_cell(entry.actor_name),
                safe_cell(entry.action),
                safe_cell(entry.summary),
                safe_cell(entry.screening_id or ""),
                safe_cell(subject),
                safe_cell(json.dumps(entry.details, ensure_ascii=False, sort_keys=True)),
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def screening_report_xlsx_view(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    data = screening_report_xlsx(screening=screening, user=request.user)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"screening-{screening.pk}-report.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def screening_report_html(request, pk: int):
    screening = selectors.screening_for_user_or_404(user=request.user, pk=pk)
    context = _screening_context(request, screening, all_findings=True)
    context["generated_at"] = timezone.now()
    return render(request, "screening/screening_report.html", context)


# -- standing exceptions


def _render_exceptions(request, *, revoke_forms=None, status: int = 200):
    filterset = StandingExceptionFilterSet(
        request.GET or None, queryset=selectors.exceptions_for_user(user=request.user)
    )
    return render(
        request,
        "screening/exception_list.html",
        {"filterset": filterset, "page": _page(request, filterset.qs), "query": _query_without_page(request),
         "revoke_forms": revoke_forms or {}, **_permissions(request.user)},
        status=status,
    )


@login_required
@require_GET
def exception_list(request):
    if selectors.user_scope(request.user) is None:
        raise Http404("You belong to no organisation.")
    return _render_exceptions(request)


@login_required
@require_POST
def exception_revoke_view(request, pk: int):
    exception = selectors.exception_for_user_or_404(user=request.user, pk=pk)
    if not access().can_review(request.user):
        raise PermissionDenied("Only a reviewer can revoke a standing exception.")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            exception_revoke(exception=exception, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Standing exception #%(number)s was revoked.") % {"number": exception.pk})
            return redirect("screening:exception_list")
    return _render_exceptions(request, revoke_forms={exception.pk: form})


# -- lists


@login_required
@require_GET
def list_index(request):
    lists = selectors.lists_for_user(user=request.user).prefetch_related("versions__imported_by")
    rows = []
    for supplier_list in lists:
        versions = sorted(supplier_list.versions.all(), key=lambda v: -v.number)
        rows.append((supplier_list, versions[0] if versions else None, len(versions)))
    return render(
        request,
        "screening/list_index.html",
        {"rows": rows, "may_import": _may_import(request.user), **_permissions(request.user)},
    )


@login_required
@require_GET
def list_detail(request, pk: int):
    supplier_list = selectors.supplier_list_for_user_or_404(user=request.user, pk=pk)
    versions = list(supplier_list.versions.select_related("imported_by").order_by("-number"))
    first, second = request.GET.get("a"), request.GET.get("b")
    if first and second and first != second:
        ids = {v.pk for v in versions}
        if first.isdigit() and second.isdigit() and {int(first), int(second)} <= ids:
            return redirect("screening:version_compare", pk=int(second), other_pk=int(first))
    pairs = [(v, versions[i + 1] if i + 1 < len(versions) else None) for i, v in enumerate(versions)]
    scope = selectors.user_scope(request.user)
    entries = selectors.audit_entries_for(scope=supplier_list.scope, subjects=[supplier_list])[:50]
    return render(
        request,
        "screening/list_detail.html",
        {
            "supplier_list": supplier_list,
            "pairs": pairs,
            "versions": versions,
            "entries": entries,
            "may_import_here": _manageable_lists(request.user).filter(pk=supplier_list.pk).exists(),
            "is_own": bool(scope) and supplier_list.scope == scope,
        },
    )


@login_required
@require_GET
def version_detail(request, pk: int):
    version = selectors.version_for_user_or_404(user=request.user, pk=pk)
    filterset = EntityFilterSet(request.GET or None, queryset=selectors.entities_with_relations(version=version))
    return render(
        request,
        "screening/version_detail.html",
        {"version": version, "supplier_list": version.supplier_list, "filterset": filterset,
         "page": _page(request, filterset.qs), "query": _query_without_page(request)},
    )


@login_required
@require_GET
def entity_detail(request, pk: int):
    entity = selectors.entity_for_user_or_404(user=request.user, pk=pk)
    parents = entity.parent_relations.select_related("parent").order_by("parent__name")
    children = entity.child_relations.select_related("child").order_by("child__name")
    flagged = selectors.findings_for_user(user=request.user).filter(entity=entity)
    return render(
        request,
        "screening/entity_detail.html",
        {
            "entity": entity,
            "version": entity.version,
            "supplier_list": entity.version.supplier_list,
            "parents": parents,
            "children": children,
            "owners": selectors.ownership_chain(entity=entity),
            "flagged_count": flagged.count(),
            "flagged_screenings": flagged.values_list("screening_id", flat=True).distinct().order_by(
                "-screening_id")[:20],
        },
    )


@login_required
@require_GET
def version_compare(request, pk: int, other_pk: int):
    version = selectors.version_for_user_or_404(user=request.user, pk=pk)
    other = selectors.version_for_user_or_404(user=request.user, pk=other_pk)
    if version.supplier_list_id != other.supplier_list_id:
        return render(
            request,
            "screening/message.html",
            {"title": "Versions of different lists",
             "message": "Only two versions of the same list can be compared. Open a list and pick two of its "
                        "versions."},
            status=400,
        )
    comparison = selectors.version_compare(before=other, after=version)
    return render(request, "screening/version_compare.html", {"comparison": comparison,
                                                              "supplier_list": version.supplier_list})


@login_required
@require_GET
def entity_search(request):
    query = (request.GET.get("q") or "").strip()
    results = selectors.entity_search(user=request.user, query=query) if query else []
    return render(
        request,
        "screening/entity_search.html",
        {"query": query, "page": _page(request, results) if query else None, "querystring": _query_without_page(
            request)},
    )


def _may_import(user) -> bool:
    return access().can_manage_lists(user) or user.is_staff


def _manageable_lists(user):
    """The lists the user may add versions to: their scope's (as a list manager), the public ones (staff)."""
    scope = selectors.user_scope(user)
    scopes = []
    if access().can_manage_lists(user) and scope:
        scopes.append(scope)
    if user.is_staff:
        scopes.append("")
    return selectors.lists_for_user(user=user).filter(scope__in=scopes)


def _may_create_list(user) -> bool:
    scope = selectors.user_scope(user)
    if scope is None:
        return False
    return (access().can_manage_lists(user) and scope != "") or (scope == "" and user.is_staff)


@login_required
def list_import(request):
    wanted = None
    if request.GET.get("list"):  # another organisation's list is not found, whoever asks
        if not request.GET["list"].isdigit():
            raise Http404("No such list.")
        wanted = selectors.supplier_list_for_user_or_404(user=request.user, pk=int(request.GET["list"]))
    if not _may_import(request.user):
        raise PermissionDenied("Only an organisation admin can import lists.")
    manageable = _manageable_lists(request.user)
    may_create = _may_create_list(request.user)
    if not may_create and not manageable.exists():
        raise PermissionDenied("There is no list you may add a version to.")
    initial = {}
    if wanted is not None:
        if not manageable.filter(pk=wanted.pk).exists():
            raise PermissionDenied("You may not import versions of this list.")
        initial["supplier_list"] = wanted.pk
    form = WebListImportForm(
        request.POST or None, request.FILES or None, initial=initial, lists_queryset=manageable, may_create=may_create
    )
    rejected: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        target = data.get("supplier_list")
        try:
            with transaction.atomic():
                version = supplier_list_import(
                    fileobj=upload,
                    filename=upload.name,
                    name=target.name if target else data["name"],
                    kind=target.kind if target else data["kind"],
                    publisher=data["publisher"] or (target.publisher if target else ""),
                    note=data["note"],
                    user=request.user,
                    scope=target.scope if target else selectors.user_scope(request.user),
                    list_format=data["list_format"] or None,
                )
        except ListImportError as error:
            rejected = [message_text(line) for line in error.messages()]
            form.add_error(
                "file", gettext("%(count)s problem(s) found; nothing was imported. Correct them and upload again.")
                % {"count": error.count},
            )
        else:
            messages.success(
                request,
                (gettext("Imported %(version)s: %(entities)s entities, %(relations)s relations.") % {
                    "version": version, "entities": version.entity_count, "relations": version.relation_count,
                } + f" {message_text(version.import_notes_text, version.import_notes)}").strip(),
            )
            return redirect("screening:list_detail", pk=version.supplier_list_id)
    return render(
        request,
        "screening/list_import.html",
        {"form": form, "rejected": rejected, "may_create": may_create},
    )
