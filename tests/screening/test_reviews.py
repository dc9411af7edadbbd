"""Reviewing findings: decisions with reasons, standing exceptions, decisions carried over, the audit log."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from screening.choices import Decision
from screening.models import AuditEntry, Finding, StandingException
from screening.services.audit import audit_record
from screening.services.lists import supplier_list_import
from screening.services.reviews import exception_revoke, finding_decide
from screening.services.screenings import screening_rescreen
from tests.conftest import FIXTURES
from tests.screening.helpers import upload
from tests.screening.scenarios import BOMS, screen, start

pytestmark = pytest.mark.django_db


def hisilicon(screening) -> Finding:
    return screening.findings.get(row=6, field="manufacturer", rule="restricted_entity")


# -- deciding


def test_a_decision_needs_a_written_reason(reviewer_a, screening_a):
    finding = hisilicon(screening_a)

    with pytest.raises(ValidationError, match="write why"):
        finding_decide(findings=[finding], decision="dismissed", reason="   ", user=reviewer_a)

    finding.refresh_from_db()
    assert finding.decision == Decision.OPEN and not AuditEntry.objects.filter(action__startswith="finding.").exists()


def test_only_a_reviewer_decides(officer_a, screening_a):
    with pytest.raises(PermissionDenied):
        finding_decide(findings=[hisilicon(screening_a)], decision="confirmed", reason="x", user=officer_a)


def test_a_reviewer_of_another_organisation_cannot_decide_through_the_service(reviewer_b, screening_a):
    with pytest.raises(PermissionDenied):
        finding_decide(findings=[hisilicon(screening_a)], decision="confirmed", reason="x", user=reviewer_b)


def test_the_decide_page_refuses_a_missing_reason_and_shows_why(client_as, reviewer_a, screening_a):
    finding = hisilicon(screening_a)

    response = client_as(reviewer_a).post(
        reverse("screening:decide", args=[screening_a.pk]),
        {"findings": [finding.pk], "decision": "dismissed", "reason": ""},
    )

    assert response.status_code == 200
    assert "write why" in response.content.decode()
    finding.refresh_from_db()
    assert finding.decision == Decision.OPEN


def test_bulk_decide_confirms_several_findings_each_with_an_audit_entry(client_as, reviewer_a, screening_a):
    chosen = list(screening_a.findings.filter(rule="restricted_entity")[:3])

    response = client_as(reviewer_a).post(
        reverse("screening:decide", args=[screening_a.pk]),
        {"findings": [f.pk for f in chosen], "decision": "confirmed", "reason": "Listed vendor in the RAN."},
    )

    assert response.status_code == 302
    for finding in chosen:
        finding.refresh_from_db()
        assert finding.decision == Decision.CONFIRMED and finding.decided_by == reviewer_a and finding.decided_at
        assert finding.decision_reason == "Listed vendor in the RAN."
    entries = AuditEntry.objects.filter(action="finding.confirmed", screening=screening_a)
    assert entries.count() == 3
    entry = entries.first()
    assert entry.actor == reviewer_a and "reviewer_a" in entry.summary and "Listed vendor in the RAN." in entry.summary
    assert entry.subject == screening_a.subject, "decisions show on the bid's audit trail too"


def test_a_finding_of_another_screening_cannot_be_slipped_into_a_decision(client_as, reviewer_a, screening_a,
                                                                         chain_screening_a):
    foreign = chain_screening_a.findings.first()

    response = client_as(reviewer_a).post(
        reverse("screening:decide", args=[screening_a.pk]),
        {"findings": [foreign.pk], "decision": "confirmed", "reason": "x"},
    )

    assert response.status_code == 200 and "not found" in response.content.decode().lower()
    foreign.refresh_from_db()
    assert foreign.decision == Decision.OPEN


def test_the_page_shows_the_decision_who_made_it_and_why(client_as, reviewer_a, screening_a):
    finding = hisilicon(screening_a)
    finding_decide(findings=[finding], decision="confirmed", reason="HiSilicon is Huawei's.", user=reviewer_a)

    html = client_as(reviewer_a).get(reverse("screening:detail", args=[screening_a.pk]),
                                     {"decision": "confirmed"}).content.decode()

    assert f'id="finding-{finding.pk}"' in html
    assert "HiSilicon is Huawei&#x27;s." in html and "Decided by reviewer_a" in html


# -- standing exceptions


def test_a_standing_exception_dismisses_the_same_pair_in_a_later_screening(
    client_as, reviewer_a, officer_a, screening_a, bid_a
):
    finding = hisilicon(screening_a)
    finding_decide(findings=[finding], decision="dismissed", reason="Our HiSilicon is a local namesake.",
                   user=reviewer_a, save_exception=True)
    exception = StandingException.objects.get()

    later = screen(start(upload(BOMS / "direct_hits.xlsx"), user=officer_a, subject=None))

    same = hisilicon(later)
    assert exception.value_key == "hisilicon" and exception.entity_name == "HiSilicon Technologies Co., Ltd."
    assert same.decision == Decision.DISMISSED
    assert same.decided_by_exception == exception
    assert same.decided_by == reviewer_a and same.decided_at == exception.created_at
    others = later.findings.exclude(pk=same.pk)
    assert not others.exclude(decision=Decision.OPEN).exists(), "only the same cell value and entity"
    assert AuditEntry.objects.filter(action="exception.created").count() == 1
    assert AuditEntry.objects.filter(action="exception.applied", screening=later).exists()
    html = client_as(officer_a).get(reverse("screening:detail", args=[later.pk])).content.decode()
    row = html[html.index(f'id="finding-{same.pk}"'):]
    row = row[: row.index("</tr>")]
    assert f"Standing exception #{exception.pk}, made by reviewer_a on {exception.created_at:%Y-%m-%d}" in row


def test_an_exception_stays_in_its_organisation(reviewer_a, screening_a, screening_b):
    finding_decide(findings=[hisilicon(screening_a)], decision="dismissed", reason="ours", user=reviewer_a,
                   save_exception=True)

    assert hisilicon(screening_b).decision == Decision.OPEN


def test_a_revoked_exception_no_longer_applies(client_as, reviewer_a, officer_a, screening_a):
    finding_decide(findings=[hisilicon(screening_a)], decision="dismissed", reason="namesake", user=reviewer_a,
                   save_exception=True)
    exception = StandingException.objects.get()
    client = client_as(reviewer_a)

    refused = client.post(reverse("screening:exception_revoke", args=[exception.pk]), {"reason": ""})
    revoked = client.post(reverse("screening:exception_revoke", args=[exception.pk]), {"reason": "It was Huawei's."})
    later = screen(start(upload(BOMS / "direct_hits.xlsx"), user=officer_a))

    assert refused.status_code == 200 and "Write why" in refused.content.decode()
    assert revoked.status_code == 302
    exception.refresh_from_db()
    assert exception.revoked_by == reviewer_a and exception.revoke_reason == "It was Huawei's."
    assert hisilicon(later).decision == Decision.OPEN
    assert AuditEntry.objects.filter(action="exception.revoked", actor=reviewer_a).exists()
    html = client.get(reverse("screening:exception_list")).content.decode()
    assert "Revoked" in html and "It was Huawei&#x27;s." in html
    with pytest.raises(ValidationError):
        exception_revoke(exception=exception, reason="again", user=reviewer_a)


def test_only_a_dismissal_becomes_an_exception(reviewer_a, screening_a):
    with pytest.raises(ValidationError):
        finding_decide(findings=[hisilicon(screening_a)], decision="confirmed", reason="x", user=reviewer_a,
                       save_exception=True)


# -- re-screening


def test_a_rescreen_carries_decisions_over_with_who_and_when(reviewer_a, officer_a, screening_a):
    finding = hisilicon(screening_a)
    finding_decide(findings=[finding], decision="confirmed", reason="Huawei subsidiary.", user=reviewer_a)
    finding.refresh_from_db()

    later = screen(screening_rescreen(screening=screening_a, user=officer_a))

    carried = hisilicon(later)
    assert carried.decision == Decision.CONFIRMED
    assert carried.decided_by == reviewer_a and carried.decided_at == finding.decided_at
    assert carried.decision_reason == "Huawei subsidiary."
    assert carried.carried_from == finding
    assert later.findings.exclude(decision=Decision.OPEN).count() == 1
    assert AuditEntry.objects.filter(action="finding.carried_over", screening=later).exists()
    finding.refresh_from_db()
    assert finding.decision == Decision.CONFIRMED, "the earlier screening keeps its decisions"


def changed_restricted_list() -> bytes:
    """The sample list without HiSilicon Technologies, and with Nokia added: a new version."""
    rows = list(csv.reader(io.StringIO((FIXTURES / "lists" / "restricted.csv").read_text(encoding="utf-8"))))
    header, body = rows[0], [r for r in rows[1:] if r[0] != "HiSilicon Technologies Co., Ltd."]
    body.append(["Nokia Solutions and Networks Oy", "Nokia", "FI", "", "", "", "", "", "Test listing", "test"])
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    return out.getvalue().encode()


def test_compare_after_a_rescreen_with_a_changed_list_shows_added_and_removed_findings(
    client_as, reviewer_a, officer_a, screening_a
):
    supplier_list_import(fileobj=io.BytesIO(changed_restricted_list()), filename="restricted-v2.csv",
                         name="High-risk vendors (sample)", kind="restricted")

    later = screen(screening_rescreen(screening=screening_a, user=officer_a))
    html = client_as(reviewer_a).get(reverse("screening:compare", args=[later.pk, screening_a.pk])).content.decode()

    assert "High-risk vendors (sample) v2" in html
    added = html[html.index('id="added-heading"'):html.index('id="removed-heading"')]
    removed = html[html.index('id="removed-heading"'):html.index('id="kept-heading"')]
    assert "Nokia Solutions and Networks Oy" in added
    assert "HiSilicon Technologies Co., Ltd." in removed and "HiSilicon Technologies Co., Ltd." not in added
    kept = html[html.index('id="kept-heading"'):]
    assert "Huawei Technologies Co., Ltd." in kept


# -- the audit log


def test_audit_entries_cannot_be_changed_or_deleted(officer_a, screening_a):
    entry = audit_record(scope=screening_a.scope, actor=officer_a, action="bid.note", summary="A note.")

    entry.summary = "rewritten"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(ValidationError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "A note."


def test_the_admin_shows_the_audit_log_read_only(admin_client, officer_a, screening_a):
    entry = audit_record(scope=screening_a.scope, actor=officer_a, action="bid.note", summary="A note.")

    assert admin_client.get(reverse("admin:screening_auditentry_change", args=[entry.pk])).status_code == 200
    assert admin_client.post(reverse("admin:screening_auditentry_delete", args=[entry.pk]),
                             {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_user_keeps_their_entries_with_their_name(officer_a, screening_a):
    entry = audit_record(scope=screening_a.scope, actor=officer_a, action="bid.note", summary="A note.")

    officer_a.delete()

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None and "officer_a" in entry.actor_name


def test_the_audit_page_shows_the_screening_and_its_subject_and_downloads_formula_safe_csv(
    client_as, reviewer_a, screening_a
):
    finding_decide(findings=[hisilicon(screening_a)], decision="confirmed", reason="=HYPERLINK(\"x\")",
                   user=reviewer_a)
    audit_record(scope=screening_a.scope, actor=reviewer_a, action="bid.updated", summary="The bid was amended.",
                 subject=screening_a.subject)
    audit_record(scope=screening_a.scope, actor=reviewer_a, action="bid.updated", summary="Another bid's note.")
    client = client_as(reviewer_a)

    html = client.get(reverse("screening:audit", args=[screening_a.pk])).content.decode()
    response = client.get(reverse("screening:audit", args=[screening_a.pk]), {"format": "csv"})

    assert "The bid was amended." in html and "finding.confirmed" in html and "screening.started" in html
    assert "Another bid&#x27;s note." not in html
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["When (UTC)", "Who", "Action", "Summary"]
    assert any(row[2] == "finding.confirmed" for row in rows[1:])
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_admin_lists_exceptions_and_findings_read_only(admin_client, reviewer_a, screening_a):
    finding = hisilicon(screening_a)
    finding_decide(findings=[finding], decision="dismissed", reason="namesake", user=reviewer_a, save_exception=True)
    exception = StandingException.objects.get()

    for url in (
        reverse("admin:screening_standingexception_changelist"),
        reverse("admin:screening_standingexception_change", args=[exception.pk]),
        reverse("admin:screening_auditentry_changelist"),
        reverse("admin:screening_finding_change", args=[finding.pk]),
        reverse("admin:screening_screening_change", args=[screening_a.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    html = admin_client.get(reverse("admin:screening_finding_change", args=[finding.pk])).content.decode()
    assert "namesake" in html and 'name="decision"' not in html


def test_the_finalising_task_applies_exceptions_and_values(reviewer_a, officer_a, screening_a):
    from screening import tasks
    from screening.services import screenings as services

    finding_decide(findings=[hisilicon(screening_a)], decision="dismissed", reason="namesake", user=reviewer_a,
                   save_exception=True)
    later = start(upload(BOMS / "direct_hits.xlsx"), user=officer_a)
    for chunk_id in services.screening_prepare(screening_id=later.pk):
        services.screening_chunk_run(chunk_id=chunk_id)

    tasks.finalize_screening(later.pk)
    tasks.finalize_screening(later.pk)  # redelivered: changes nothing more

    later.refresh_from_db()
    assert later.status == "done" and later.bom_value_total > 0 and later.restricted_value > 0
    assert hisilicon(later).decision == Decision.DISMISSED
    assert AuditEntry.objects.filter(action="exception.applied", screening=later).count() == 1


def test_a_new_screening_of_the_same_subject_carries_decisions_too(reviewer_a, officer_a, screening_a):
    finding_decide(findings=[hisilicon(screening_a)], decision="confirmed", reason="Huawei's.", user=reviewer_a)

    later = screen(start(upload(BOMS / "direct_hits.xlsx"), user=officer_a, subject=screening_a.subject))
    unrelated = screen(start(upload(BOMS / "direct_hits.xlsx"), user=officer_a))

    assert hisilicon(later).decision == Decision.CONFIRMED and hisilicon(later).carried_from == hisilicon(screening_a)
    assert hisilicon(unrelated).decision == Decision.OPEN
