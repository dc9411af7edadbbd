"""Writes on the buying side: tenders with their lots and policy, bids with their files, and screening bids.

Every change is recorded in the screening plugin's audit log (screening.services.audit.audit_record), in the
transaction that makes it.

A bid's re-screen is the plugin's `screening_rescreen` while the tender's policy and lists are unchanged, and a
fresh screening under the tender's current policy and lists once they have changed (see `bid_rescreen`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from screening.choices import (
    STATUS_IN_SENTENCE,
    VERDICT_IN_SENTENCE,
    FileRole,
    ListKind,
    ScreeningStatus,
    ScreeningTrigger,
)
from screening.engine.records import Location, Message, where_message
from screening.messages import message_text
from screening.models import ListImportImpact, ListVersion, Screening, SupplierList
from screening.services.impact import import_impact_claim, import_impact_finish, screenings_affected_by
from screening.services.screenings import screening_rescreen, screening_start, uploaded_file_create

from .access import organisation_scope
from .choices import AuditAction, TenderStatus
from .models import (
    ApiClient,
    Bid,
    BidDocument,
    ColumnMapping,
    Lot,
    Membership,
    Notification,
    Organisation,
    Tender,
    bidder_key,
    default_review_threshold,
)
from .selectors import (
    bid_latest_screening,
    bid_policy,
    bids_with_latest_screening,
    open_tenders,
    open_tenders_using_list,
    supplier_lists_visible,
    tender_list_versions,
    tender_officers,
    user_language,
)

logger = logging.getLogger(__name__)

TENDER_FIELDS = (
    "reference",
    "title",
    "description",
    "submission_deadline",
    "status",
    "review_threshold",
    "severity_overrides",
)


def _audit(*, tender: Tender, user, action: str, summary: Message, subject, screening=None, details=None) -> None:
    # Imported here: the audit log belongs to the screening plugin and is optional for importing this module.
    from screening.services.audit import audit_record

    audit_record(
        scope=organisation_scope(tender.organisation_id),
        actor=user,
        action=action,
        summary=summary,
        subject=subject,
        screening=screening,
        details=details or {},
    )


# -- tenders


def _check_lists(*, organisation: Organisation, lists: Iterable[SupplierList], kind: str, field_name: str) -> list:
    lists = list(lists)
    visible = set(supplier_lists_visible(organisation=organisation, kind=kind).values_list("pk", flat=True))
    wrong = [supplier_list for supplier_list in lists if supplier_list.pk not in visible]
    if wrong:
        names = ", ".join(supplier_list.name for supplier_list in wrong)
        raise ValidationError(
            {field_name: gettext("%(names)s: not a %(kind)s list your organisation may use.")
             % {"names": names, "kind": ListKind(kind).label.lower()}}
        )
    return lists


def _lots_set(*, tender: Tender, lots: Sequence[Mapping[str, Any]]) -> None:
    """Make the tender's lots exactly these: {"id": an existing lot's id or None, "number", "title", "domain"}."""
    numbers = [spec["number"] for spec in lots]
    duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicates:
        raise ValidationError(
            gettext("Lot numbers must differ; %(numbers)s is used twice.")
            % {"numbers": ", ".join(map(str, duplicates))}
        )
    existing = {lot.pk: lot for lot in tender.lots.all()}
    kept = {spec.get("id") for spec in lots if spec.get("id")}
    removed = [lot for pk, lot in existing.items() if pk not in kept]
    with_bids = [lot for lot in removed if lot.bids.exists()]
    if with_bids:
        raise ValidationError(
            gettext("Lot %(number)s has bids, so it cannot be removed. Change its title or domain instead.")
            % {"number": with_bids[0].number}
        )
    Lot.objects.filter(pk__in=[lot.pk for lot in removed]).delete()
    for spec in lots:
        lot = existing.get(spec.get("id")) or Lot(tender=tender)
        lot.number, lot.title, lot.domain = spec["number"], spec["title"], spec["domain"]
        lot.full_clean()
        lot.save()


def _lot_specs(tender: Tender) -> list[dict]:
    return [{"number": lot.number, "title": lot.title, "domain": lot.domain} for lot in tender.lots.all()]


@transaction.atomic
def tender_create(
    *,
    organisation: Organisation,
    user,
    reference: str,
    title: str,
    description: str = "",
    submission_deadline=None,
    status: str = TenderStatus.DRAFT,
    restricted_lists: Iterable[SupplierList] = (),
    trusted_lists: Iterable[SupplierList] = (),
    review_threshold: float | None = None,
    severity_overrides: Mapping | None = None,
    lots: Sequence[Mapping[str, Any]] = (),
) -> Tender:
    restricted = _check_lists(
        organisation=organisation, lists=restricted_lists, kind=ListKind.RESTRICTED, field_name="restricted_lists"
    )
    trusted = _check_lists(
        organisation=organisation, lists=trusted_lists, kind=ListKind.TRUSTED, field_name="trusted_lists"
    )
    tender = Tender(
        organisation=organisation,
        reference=reference,
        title=title,
        description=description,
        submission_deadline=submission_deadline,
        status=status,
        review_threshold=default_review_threshold() if review_threshold is None else review_threshold,
        severity_overrides=dict(severity_overrides or {}),
        created_by=user,
    )
    tender.full_clean()
    tender.save()
    tender.restricted_lists.set(restricted)
    tender.trusted_lists.set(trusted)
    _lots_set(tender=tender, lots=lots)
    _audit(
        tender=tender,
        user=user,
        action=AuditAction.TENDER_CREATED,
        summary=Message(gettext_noop("Tender {reference} created"), {"reference": tender.reference}),
        subject=tender,
        details={
            "reference": tender.reference,
            "title": tender.title,
            "status": tender.status,
            "restricted_lists": [supplier_list.name for supplier_list in restricted],
            "trusted_lists": [supplier_list.name for supplier_list in trusted],
            "review_threshold": tender.review_threshold,
            "severity_overrides": tender.severity_overrides,
            "lots": _lot_specs(tender),
        },
    )
    return tender


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def tender_update(
    *, tender: Tender, user, data: Mapping[str, Any], lots: Sequence[Mapping[str, Any]] | None = None
) -> Tender:
    """Change the tender's fields (TENDER_FIELDS, restricted_lists, trusted_lists) and, if given, its lots.

    Bids already screened keep their screenings; a re-screen applies the new policy.
    """
    unknown = set(data) - {*TENDER_FIELDS, "restricted_lists", "trusted_lists"}
    if unknown:
        raise ValueError(f"tender_update cannot change {', '.join(sorted(unknown))}")
    changes: dict[str, list] = {}
    stored = Tender.objects.select_for_update().get(pk=tender.pk)  # the caller's copy may already hold the edits
    for name in TENDER_FIELDS:
        if name in data and getattr(stored, name) != data[name]:
            changes[name] = [_jsonable(getattr(stored, name)), _jsonable(data[name])]
        if name in data:
            setattr(tender, name, data[name])
    tender.full_clean()
    tender.save()
    for name, kind in (("restricted_lists", ListKind.RESTRICTED), ("trusted_lists", ListKind.TRUSTED)):
        if name not in data:
            continue
        new = _check_lists(organisation=tender.organisation, lists=data[name], kind=kind, field_name=name)
        relation = getattr(tender, name)
        old_names = sorted(relation.values_list("name", flat=True))
        new_names = sorted(supplier_list.name for supplier_list in new)
        if old_names != new_names:
            changes[name] = [old_names, new_names]
            relation.set(new)
    if lots is not None:
        before = _lot_specs(tender)
        _lots_set(tender=tender, lots=lots)
        after = _lot_specs(tender)
        if before != after:
            changes["lots"] = [before, after]
    if changes:
        _audit(
            tender=tender,
            user=user,
            action=AuditAction.TENDER_UPDATED,
            summary=Message(gettext_noop("Tender {reference} changed: {fields}"),
                            {"reference": tender.reference, "fields": ", ".join(changes)}),
            subject=tender,
            details={"changes": changes},
        )
    return tender


# -- bids


class ScreeningNotStarted(ValidationError):
    """A bid's screening could not start; the bid and its files are kept."""


def _bid_screening_start(
    *, bid: Bid, user, previous: Screening | None = None, trigger: str = ScreeningTrigger.MANUAL,
    reason: Message | str = "",
) -> Screening:
    tender = bid.tender
    versions = tender_list_versions(tender=tender)
    if not versions:
        raise ScreeningNotStarted(
            gettext(
                "No list is in force for this tender: choose its restricted and trusted lists (or ask an administrator "
                "to import a list), then press Re-screen."
            )
        )
    files = [document.file for document in bid.documents.select_related("file")]
    return screening_start(
        files=files,
        list_versions=versions,
        policy=bid_policy(bid=bid),
        bidder=bid.bidder_name,
        label=f"{tender.reference} — {bid.bidder_name}"[:255],
        subject=bid,
        scope=organisation_scope(tender.organisation_id),
        user=user,
        previous=previous,
        trigger=trigger,
        reason=reason,
    )


def _screening_details(screening: Screening) -> dict:
    return {
        "screening": screening.pk,
        "list_versions": [str(version) for version in screening.list_versions.select_related("supplier_list")],
        "policy": screening.policy,
    }


@transaction.atomic
def column_mapping_remember(
    *, tender: Tender, bidder_name: str, headers: Mapping[str, str], user, subject=None
) -> ColumnMapping | None:
    """Remember an officer's names for a bidder's BOM columns (header -> field, or "ignore"), for this and the
    bidder's next files in the tender's organisation. A header named again takes its new field; others stay."""
    if not headers:
        return None
    organisation = tender.organisation
    mapping = ColumnMapping.objects.select_for_update().filter(
        organisation=organisation, bidder_key=bidder_key(bidder_name)
    ).first() or ColumnMapping(organisation=organisation, bidder_key=bidder_key(bidder_name))
    before = dict(mapping.headers or {})
    merged = {header: name for header, name in before.items() if header.casefold() not in
              {h.casefold() for h in headers}}
    merged.update(headers)
    mapping.headers = merged
    mapping.bidder_name = bidder_name
    mapping.updated_by = user
    try:
        mapping.full_clean()
    except ValidationError as error:
        raise ValidationError({"columns": error.message_dict.get("headers", error.messages)}) from error
    if merged == before and mapping.pk:
        return mapping
    mapping.save()
    _audit(
        tender=tender,
        user=user,
        action=AuditAction.COLUMNS_NAMED,
        summary=Message(gettext_noop("BOM columns of {bidder} named by hand: {columns}"), {
            "bidder": bidder_name, "columns": ", ".join(f"{header} = {name}" for header, name in headers.items()),
        }),
        subject=subject or tender,
        details={"bidder_name": bidder_name, "before": before, "after": merged},
    )
    return mapping


@transaction.atomic
def bid_create(
    *,
    tender: Tender,
    user,
    bidder_name: str,
    bidder_country: str = "",
    bidder_registration: str = "",
    lots: Iterable[Lot] = (),
    boms: Sequence[File],
    declaration: File | None = None,
    column_mapping: Mapping[str, str] | None = None,
) -> Bid:
    """Store the bid and its files (with their SHA-256), then start its screening once the transaction commits.

    The files are kept whatever happens to the screening: if it cannot even start, the bid is saved without one
    and the reason goes into the audit log; the officer can re-screen later. `column_mapping` (header as written
    -> field) is remembered for the bidder and applies to this bid's files and the bidder's next ones.
    """
    # Lazy messages: translated when read, so the bulk upload's worker can write them in every language.
    if not boms:
        raise ValidationError({"boms": gettext_lazy("Choose at least one bill of materials.")})
    lots = list(lots)
    foreign = [lot for lot in lots if lot.tender_id != tender.pk]
    if foreign:
        raise ValidationError({"lots": ValidationError(
            gettext_lazy("%(lot)s is not a lot of tender %(reference)s."),
            params={"lot": str(foreign[0]), "reference": tender.reference},
        )})
    bid = Bid(
        tender=tender,
        bidder_name=bidder_name,
        bidder_country=bidder_country,
        bidder_registration=bidder_registration,
        created_by=user,
    )
    bid.full_clean()
    bid.save()
    bid.lots.set(lots)
    uploads = [(content, FileRole.BOM) for content in boms]
    if declaration is not None:
        uploads.append((declaration, FileRole.DECLARATION))
    documents = []
    for content, role in uploads:
        stored = uploaded_file_create(content=content, name=content.name, role=role, user=user)
        documents.append(BidDocument(bid=bid, file=stored, role=role))
    BidDocument.objects.bulk_create(documents)
    column_mapping_remember(
        tender=tender, bidder_name=bidder_name, headers=column_mapping or {}, user=user, subject=bid
    )

    _audit(
        tender=tender,
        user=user,
        action=AuditAction.BID_UPLOADED,
        summary=Message(gettext_noop("Bid from {bidder} uploaded with {count} file(s): {files}"), {
            "bidder": bid.bidder_name, "count": len(documents),
            "files": ", ".join(document.file.original_name for document in documents),
        }),
        subject=bid,
        details={
            "tender": tender.reference,
            "bidder_name": bid.bidder_name,
            "bidder_country": bid.bidder_country,
            "bidder_registration": bid.bidder_registration,
            "lots": [lot.number for lot in lots],
            "files": [
                {"name": d.file.original_name, "role": d.role, "sha256": d.file.sha256, "size": d.file.size}
                for d in documents
            ],
        },
    )
    problem = ""
    try:
        with transaction.atomic():
            _bid_screening_start(bid=bid, user=user)  # the plugin records "screening.started"
    except ScreeningNotStarted as error:
        problem = " ".join(error.messages)
    except Exception as error:  # the upload is kept whatever stops the screening from starting
        logger.exception("bid %s: the screening could not start", bid.pk)
        problem = f"The screening could not start ({error}). Try Re-screen; tell your administrator if it repeats."
    if problem:
        _audit(
            tender=tender,
            user=user,
            action=AuditAction.BID_SCREENING_NOT_STARTED,
            summary=Message(gettext_noop("Bid from {bidder}: screening not started"), {"bidder": bid.bidder_name}),
            subject=bid,
            details={"reason": problem},
        )
    return bid


def _policy_key(policy: dict) -> dict:
    # trusted_in_force follows from the list versions, not from the tender's policy
    return {key: value for key, value in (policy or {}).items() if key != "trusted_in_force"}


@transaction.atomic
def bid_rescreen(
    *, bid: Bid, user, trigger: str = ScreeningTrigger.MANUAL, reason: Message | str = ""
) -> Screening:
    """Screen the bid's files again against the current list versions; earlier screenings and decisions stay.

    While the tender's policy and choice of lists are what the latest screening used, this is the plugin's
    `screening_rescreen` (the same lists' newest versions, the same policy). Once the tender's policy or lists
    have changed, a fresh screening under the tender's current policy and lists follows the latest one instead.
    `user` None is the system; `trigger` and `reason` say why (recorded on the new screening).
    """
    previous = bid_latest_screening(bid)
    if previous is not None and not previous.is_finished:
        raise ValidationError(
            gettext(
                "Screening #%(number)s of %(bidder)s is still %(status)s; wait for it to finish (or cancel it) before "
                "screening the bid again."
            ) % {"number": previous.pk, "bidder": bid.bidder_name,
                 "status": STATUS_IN_SENTENCE.get(previous.status, previous.status)}
        )
    details: dict[str, Any] = {}
    if previous is not None:
        versions = tender_list_versions(tender=bid.tender)
        lists_now = {version.supplier_list_id for version in versions}
        lists_then = set(previous.list_versions.values_list("supplier_list_id", flat=True))
        details["previous"] = previous.pk
        details["policy_changed"] = _policy_key(bid_policy(bid=bid).as_dict()) != _policy_key(previous.policy)
        details["lists_changed"] = lists_now != lists_then
    if previous is not None and not details["policy_changed"] and not details["lists_changed"]:
        screening = screening_rescreen(screening=previous, user=user, trigger=trigger, reason=reason)
    else:
        screening = _bid_screening_start(bid=bid, user=user, previous=previous, trigger=trigger, reason=reason)
    details.update(_screening_details(screening))
    if details.get("policy_changed"):
        said = gettext_noop("Bid from {bidder} re-screened under the tender's changed policy (screening #{number})")
    elif details.get("lists_changed"):
        said = gettext_noop("Bid from {bidder} re-screened with the tender's new lists (screening #{number})")
    else:
        said = gettext_noop("Bid from {bidder} re-screened against the current list versions (screening #{number})")
    if reason:
        details["reason"] = str(reason)
    _audit(
        tender=bid.tender,
        user=user,
        action=AuditAction.BID_RESCREENED,
        summary=Message.join([Message(said, {"bidder": bid.bidder_name, "number": str(screening.pk)}), reason], ": "),
        subject=bid,
        screening=screening,
        details=details,
    )
    return screening


@dataclass
class TenderRescreen:
    started: list[Screening] = field(default_factory=list)
    skipped: list[tuple[Bid, str]] = field(default_factory=list)  # (bid, why)


@transaction.atomic
def tender_rescreen(
    *, tender: Tender, user, trigger: str = ScreeningTrigger.MANUAL, reason: Message | str = ""
) -> TenderRescreen:
    """Re-screen every bid of the tender; a bid whose screening still runs, or cannot start, is skipped."""
    result = TenderRescreen()
    for bid in tender.bids.select_related("tender").order_by("pk"):
        try:
            with transaction.atomic():
                result.started.append(bid_rescreen(bid=bid, user=user, trigger=trigger, reason=reason))
        except ValidationError as error:
            result.skipped.append((bid, " ".join(error.messages)))
    _audit(
        tender=tender,
        user=user,
        action=AuditAction.TENDER_RESCREENED,
        summary=Message.join([
            Message(gettext_noop("Tender {reference}: {started} bid(s) re-screened, {skipped} skipped"), {
                "reference": tender.reference, "started": len(result.started), "skipped": len(result.skipped),
            }),
            Message("({reason})", {"reason": reason}) if reason else "",
        ]),
        subject=tender,
        details={
            "trigger": str(trigger),
            "screenings": [screening.pk for screening in result.started],
            "skipped": [{"bid": bid.pk, "bidder_name": bid.bidder_name, "reason": why} for bid, why in result.skipped],
        },
    )
    return result


# -- keeping open tenders current: list imports, the daily re-screen, and telling the officers


def list_import_rescreen(*, version: ListVersion) -> ListImportImpact:
    """Re-screen the bids of open tenders that the newly imported list version can change, and record how many.

    Each bid's latest screening is checked (screening.services.impact.screenings_affected_by); only the affected
    ones are re-screened, by the system, with the reason on the new screening. Safe to run twice: the second run
    finds the version's work recorded and does nothing.
    """
    with transaction.atomic():
        impact, claimed = import_impact_claim(version=version)
        if not claimed:
            return impact
        supplier_list = version.supplier_list
        before = supplier_list.versions.filter(number__lt=version.number).order_by("-number").first()
        bids = bids_with_latest_screening(tenders=open_tenders_using_list(supplier_list=supplier_list))
        checked = {screening.pk: bid for bid, screening in bids
                   if screening is not None and screening.status == ScreeningStatus.DONE}
        affected = screenings_affected_by(
            before=before, after=version, screenings=[s for _bid, s in bids if s is not None and s.pk in checked]
        )
        details, rescreened = [], 0
        for screening, reasons in affected:
            bid = checked[screening.pk]
            reason = Message(LIST_IMPORT_REASON, {"list": supplier_list.name, "version": str(version.number),
                                                  "changes": Message.join(reasons, "; ")})
            entry = {"bid": bid.pk, "tender": bid.tender.reference, "screening": screening.pk,
                     "reasons": [str(why) for why in reasons]}
            try:
                with transaction.atomic():
                    new = bid_rescreen(bid=bid, user=None, trigger=ScreeningTrigger.LIST_IMPORT, reason=reason)
            except ValidationError as error:
                entry["skipped"] = " ".join(error.messages)
            else:
                entry["new_screening"] = new.pk
                rescreened += 1
            details.append(entry)
        return import_impact_finish(
            impact=impact, checked=len(checked), affected=len(affected), rescreened=rescreened, details=details
        )


# Why the system re-screened a bid, shown in the reader's language (Screening.reason keeps the English).
LIST_IMPORT_REASON = gettext_noop("list {list} v{version} imported: {changes}")
DAILY_REASON = Message(gettext_noop("daily re-screen of open tenders against the current list versions"))


def open_tenders_rescreen() -> list[TenderRescreen]:
    """Re-screen every bid of every open tender (the daily safety net behind the targeted re-screens)."""
    results = []
    for tender in open_tenders().order_by("pk"):
        results.append(tender_rescreen(tender=tender, user=None, trigger=ScreeningTrigger.SCHEDULED,
                                       reason=DAILY_REASON))
    return results


def _verdict_label(screening: Screening | None) -> str:
    if screening is None or not screening.verdict:
        return gettext("none")
    return str(VERDICT_IN_SENTENCE.get(screening.verdict, screening.verdict))


def _new_findings(screening: Screening, previous: Screening | None) -> list[str]:
    """The listed entities of the findings the re-screen has and the screening before it had not."""
    from screening.selectors import screening_compare

    if previous is None:
        added = list(screening.findings.select_related("entity__version__supplier_list"))
    else:
        added = screening_compare(before=previous, after=screening).added
    lines = []
    for finding in added:
        if finding.entity_id:
            target = gettext("%(name)s (%(list)s v%(number)s)") % {
                "name": finding.entity.name, "list": finding.entity.version.supplier_list.name,
                "number": finding.entity.version.number,
            }
        else:
            target = gettext("no listed entity")
        where = message_text(where_message(Location(finding.file_name, finding.sheet, finding.row, finding.column)))
        line = f"{finding.get_severity_display()}: '{finding.value}' ({where}) -> {target}"
        if line not in lines:
            lines.append(line)
    return lines


@dataclass
class RescreenNotice:
    changed: bool
    before: str
    after: str
    subject: str
    message: str  # the in-app notification
    body: str  # the email


def rescreen_notice(*, screening: Screening) -> RescreenNotice | None:
    """What to tell a bid's officers about a finished re-screen, or None when there is nothing to tell (the daily
    re-screen that changed no verdict, a screening that did not finish). Written in the active language."""
    if screening.status != ScreeningStatus.DONE or screening.trigger == ScreeningTrigger.MANUAL:
        return None
    bid = screening.subject
    if not isinstance(bid, Bid):
        return None
    previous = screening.previous
    changed = (previous.verdict if previous else "") != screening.verdict
    before, after = _verdict_label(previous), _verdict_label(screening)
    if not changed and screening.trigger == ScreeningTrigger.SCHEDULED:
        return None
    tender = bid.tender
    if changed:
        outcome = gettext("changed verdict %(before)s → %(after)s") % {"before": before, "after": after}
    else:
        outcome = gettext("kept its verdict (%(after)s)") % {"after": after}
    names = {"reference": tender.reference, "bidder": bid.bidder_name, "outcome": outcome,
             "reason": screening.translated_reason}
    message = gettext("%(reference)s: the bid from %(bidder)s %(outcome)s when re-screened. Why: %(reason)s") % names
    findings = _new_findings(screening, previous)
    url = settings.SITE_URL.rstrip("/") + bid.get_absolute_url()
    counts = gettext(
        "Screening #%(number)s: %(critical)s critical, %(high)s high, %(medium)s medium, %(low)s low findings"
    ) % {"number": screening.pk, "critical": screening.critical_count, "high": screening.high_count,
         "medium": screening.medium_count, "low": screening.low_count}
    if previous:
        counts += gettext(
            " (screening #%(number)s before it: %(critical)s critical, %(high)s high, %(medium)s medium, %(low)s low)."
        ) % {"number": previous.pk, "critical": previous.critical_count, "high": previous.high_count,
             "medium": previous.medium_count, "low": previous.low_count}
    else:
        counts += "."
    body = [
        gettext("Tender %(reference)s: %(title)s") % {"reference": tender.reference, "title": tender.title},
        gettext("Bid from %(bidder)s: %(outcome)s.") % names,
        "",
        gettext("Why it was re-screened: %(reason)s") % names,
        "",
        counts,
    ]
    if findings:
        body += ["", gettext("New findings:"), *(f"- {line}" for line in findings[:20])]
        if len(findings) > 20:
            body.append("- " + gettext("and %(number)s more") % {"number": len(findings) - 20})
    body += ["", gettext("Open the bid: %(url)s") % {"url": url}, "",
             gettext("Screening is advisory: review the findings and record your decisions on the bid's page.")]
    subject = gettext("[Tender Screening] %(reference)s: bid from %(bidder)s %(outcome)s") % names
    return RescreenNotice(changed, before, after, subject[:200], message, "\n".join(body))


def _notice_language(user) -> str:
    """The language a person reads their notices in: the one they chose in the switcher, else the site's."""
    return user_language(user=user) or settings.LANGUAGE_CODE


def rescreen_notify(*, screening_id: int) -> list[Notification]:
    """Tell the officers and admins of the bid's organisation about a finished re-screen: a notification each
    (once per person and re-screen, however often this runs) and an email each (sent once, retried until it is),
    each written in the language the person chose."""
    screening = Screening.objects.select_related("previous").get(pk=screening_id)
    with translation.override(settings.LANGUAGE_CODE):
        if rescreen_notice(screening=screening) is None:
            return []
    notices: dict[str, RescreenNotice] = {}

    def notice_for(user) -> RescreenNotice:
        language = _notice_language(user)
        if language not in notices:
            with translation.override(language):
                notices[language] = rescreen_notice(screening=screening)
        return notices[language]

    bid = screening.subject
    created = []
    for user in tender_officers(tender=bid.tender):
        try:
            with transaction.atomic():
                notification, made = Notification.objects.get_or_create(
                    user=user, screening=screening,
                    defaults={"tender": bid.tender, "bid": bid, "message": notice_for(user).message},
                )
        except IntegrityError:  # the same notice made by a second delivery at the same moment
            continue
        if made:
            created.append(notification)
    pending = Notification.objects.filter(screening=screening, emailed_at__isnull=True).select_related("user")
    for notification in pending:
        if notification.user.email:
            notice = notice_for(notification.user)
            send_mail(notice.subject, notice.body, None, [notification.user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return created


def notifications_mark_read(*, user, notifications: Iterable[Notification] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when none are given); returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notifications is not None:
        queryset = queryset.filter(pk__in=[n.pk for n in notifications])
    return queryset.update(read_at=timezone.now())
# -- API clients


@transaction.atomic
def api_client_create(*, organisation: Organisation, name: str, role: str, user) -> tuple[ApiClient, str]:
    """A new API client of the organisation, acting with `role`, and its first token (returned once)."""
    from django.contrib.auth import get_user_model
    from django.utils.crypto import get_random_string

    from screening.services.tokens import api_token_create

    from .choices import Role

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("Name the client after the system that will use it.")})
    if role not in Role.values:
        raise ValidationError({"role": gettext("Choose one of: %(roles)s.") % {"roles": ", ".join(Role.values)}})
    if ApiClient.objects.filter(organisation=organisation, name=name).exists():
        raise ValidationError({"name": gettext("Your organisation already has an API client with this name.")})
    account = get_user_model().objects.create_user(
        username=f"api-{organisation.pk}-{get_random_string(10).lower()}", first_name=name[:150],
        last_name="(API client)",
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    Membership.objects.create(user=account, organisation=organisation, role=role)
    client = ApiClient.objects.create(organisation=organisation, name=name, user=account, created_by=user)
    _token, key = api_token_create(
        user=account, name=f"{name} token", created_by=user, scope=organisation_scope(organisation.pk)
    )
    return client, key


def api_client_token_create(*, client: ApiClient, user) -> str:
    from screening.services.tokens import api_token_create

    _token, key = api_token_create(
        user=client.user, name=f"{client.name} token", created_by=user,
        scope=organisation_scope(client.organisation_id),
    )
    return key


# -- people's own settings


def user_language_set(*, user, language: str):
    """Remember the interface language a person chose ("" to follow the browser again).

    Not audited: it changes how the site speaks to this one person, nothing any officer decides or screens.
    """
    from django.conf import settings

    from .models import UserPreference

    if language and language not in dict(settings.LANGUAGES):
        known = ", ".join(code for code, _name in settings.LANGUAGES)
        raise ValidationError(
            {"language": gettext("Unknown language '%(language)s'. Choose one of: %(known)s.")
             % {"language": language, "known": known}}
        )
    preference, _created = UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    return preference
