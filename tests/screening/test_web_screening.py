"""The screening page and its doors: detail, progress, cancel, re-screen, compare."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from screening.choices import ScreeningStatus
from screening.models import Screening
from tests.screening.helpers import upload, upload_bytes
from tests.screening.scenarios import BOMS, screen, start

pytestmark = pytest.mark.django_db


def detail(client, screening, **params):
    return client.get(reverse("screening:detail", args=[screening.pk]), params)


def finding_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="finding-(\d+)"', html)]


def test_a_done_screening_shows_header_verdict_counts_charts_and_findings(client_as, officer_a, screening_a):
    response = detail(client_as(officer_a), screening_a)

    assert response.status_code == 200
    html = response.content.decode()
    upload_row = screening_a.files.get()
    assert upload_row.sha256 in html
    assert "High-risk vendors (sample)" in html and "Trusted network vendors (sample)" in html
    assert str(screening_a.subject) in html
    assert "Bidder A" in html
    assert 'badge badge--fail">Fail' in html
    assert html.count('<svg class="chart"') == 2
    assert "Findings by severity" in html and "Huawei Technologies Co., Ltd." in html
    assert "<progress" not in html, "no progress bar once done"
    ids = finding_ids(html)
    assert ids and set(ids) <= set(screening_a.findings.values_list("pk", flat=True))


def test_a_finding_shows_where_the_row_values_the_entity_with_list_and_source_and_the_chain(
    client_as, officer_a, chain_screening_a
):
    finding = chain_screening_a.findings.filter(rule="restricted_entity", field="subcontractor").first()

    html = detail(client_as(officer_a), chain_screening_a, rule="restricted_entity").content.decode()

    row = html[html.index(f'id="finding-{finding.pk}"'):]
    row = row[: row.index("</tr>")]
    assert f"row <strong>{finding.row}</strong>" in row and finding.sheet in row
    for header, value in finding.cells.items():
        assert header in row and value in row
    assert reverse("screening:entity_detail", args=[finding.entity_id]) in row
    assert "High-risk vendors (sample), v1" in row and "Source:" in row
    chain = re.findall(
        r'chain__node chain__node--(\w+)"><(?:span class="chain__link">([^<]*)</span><)?'
        r'span class="chain__box">(?:<strong>)?([^<]+)',
        row,
    )
    kinds = [kind for kind, _, _ in chain]
    names = [name for _, _, name in chain]
    assert kinds[0] == "bidder" and names[0] == "Baltic Mobile Integrators Ltd"
    assert names[1:4] == ["Nordic Site Services AB", "Eastern Tower Works Sp. z o.o.",
                          "ZTE Kangxun Telecom Company Limited"]
    assert kinds[4] == "listed" and names[4] == "ZTE Kangxun Telecom Co., Ltd."
    assert "ZTE Corporation" in names[5:], "the ownership group follows the listed entity"


def test_findings_filter_by_severity_rule_sheet_field_and_decision_and_sort(client_as, officer_a, screening_a):
    client = client_as(officer_a)
    medium = set(screening_a.findings.filter(severity="medium").values_list("pk", flat=True))

    by_severity = finding_ids(detail(client, screening_a, severity="medium").content.decode())
    by_rule = finding_ids(detail(client, screening_a, rule="divested_affiliate").content.decode())
    by_field = finding_ids(detail(client, screening_a, field="supplier").content.decode())
    open_ones = finding_ids(detail(client, screening_a, decision="open").content.decode())
    dismissed = finding_ids(detail(client, screening_a, decision="dismissed").content.decode())
    by_row = finding_ids(detail(client, screening_a, ordering="-row").content.decode())

    assert set(by_severity) == medium
    assert set(by_rule) == set(screening_a.findings.filter(rule="divested_affiliate").values_list("pk", flat=True))
    assert by_rule
    assert set(by_field) == set(screening_a.findings.filter(field="supplier").values_list("pk", flat=True))
    assert len(open_ones) == min(screening_a.findings.count(), 50) and dismissed == []
    rows = [screening_a.findings.get(pk=pk).row for pk in by_row]
    assert rows == sorted(rows, reverse=True)
    sheet = screening_a.findings.first().sheet
    by_sheet = finding_ids(detail(client, screening_a, sheet=sheet).content.decode())
    assert set(by_sheet) == set(screening_a.findings.filter(sheet=sheet).values_list("pk", flat=True))


def test_the_default_order_is_most_severe_first(client_as, officer_a, screening_a):
    ids = finding_ids(detail(client_as(officer_a), screening_a).content.decode())
    rank = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
    ranks = [rank[screening_a.findings.get(pk=pk).severity] for pk in ids]
    assert ranks == sorted(ranks, reverse=True)


def test_findings_are_paginated(client_as, officer_a, screening_a, monkeypatch):
    monkeypatch.setattr("screening.views.PAGE_SIZE", 5)
    client = client_as(officer_a)

    first = detail(client, screening_a, severity="high").content.decode()
    second = detail(client, screening_a, severity="high", page=2).content.decode()

    assert len(finding_ids(first)) == 5
    assert "page=2" in first and "severity=high" in first
    assert set(finding_ids(first)).isdisjoint(finding_ids(second))


def test_a_running_screening_shows_a_progress_bar_polled_by_a_script_and_a_cancel_button(
    client_as, officer_a, sample_lists, bid_a
):
    screening = start(upload(BOMS / "clean.xlsx"), user=officer_a, subject=bid_a)
    Screening.objects.filter(pk=screening.pk).update(status=ScreeningStatus.RUNNING, rows_total=40, rows_done=10)

    html = detail(client_as(officer_a), screening).content.decode()

    assert "<progress" in html and 'value="0.250"' in html and "10 of 40 rows" in html
    assert f'data-screening-progress="{reverse("screening:progress", args=[screening.pk])}"' in html
    assert "screening/screening.js" in html
    assert reverse("screening:cancel", args=[screening.pk]) in html


def test_progress_answers_json(client_as, officer_a, sample_lists, bid_a, screening_a):
    running = start(upload(BOMS / "clean.xlsx"), user=officer_a, subject=bid_a)
    Screening.objects.filter(pk=running.pk).update(status=ScreeningStatus.RUNNING, rows_total=40, rows_done=10)
    client = client_as(officer_a)

    busy = client.get(reverse("screening:progress", args=[running.pk])).json()
    done = client.get(reverse("screening:progress", args=[screening_a.pk])).json()

    assert {"status", "rows_done", "rows_total", "progress", "verdict", "counts", "finished", "detail_url",
            "error_message"} <= set(busy)
    assert busy["status"] == "running" and busy["progress"] == 0.25 and busy["finished"] is False
    assert done["finished"] is True and done["verdict"] == "fail" and done["progress"] == 1.0
    assert done["counts"]["high"] == screening_a.high_count
    assert done["detail_url"] == reverse("screening:detail", args=[screening_a.pk])


def test_cancel_stops_a_running_screening_and_is_audited(client_as, officer_a, sample_lists, bid_a):
    screening = start(upload(BOMS / "clean.xlsx"), user=officer_a, subject=bid_a)
    client = client_as(officer_a)

    response = client.post(reverse("screening:cancel", args=[screening.pk]))

    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.CANCELLED
    assert screening.audit_entries.filter(action="screening.cancelled", actor=officer_a).exists()
    assert "was cancelled" in detail(client, screening).content.decode()


def test_a_failed_screening_and_row_errors_show_their_messages(client_as, officer_a, sample_lists, bid_a):
    failed = screen(start(upload_bytes(b"PK\x03\x04" + b"\x00" * 200, "bid.xlsx"), user=officer_a, subject=bid_a))
    messy = screen(start(upload(BOMS / "messy_export.xlsx"), user=officer_a, subject=bid_a))
    client = client_as(officer_a)

    failed_html = detail(client, failed).content.decode()
    messy_html = detail(client, messy).content.decode()

    assert failed.status == ScreeningStatus.FAILED
    assert "The screening failed" in failed_html and 'role="alert"' in failed_html
    assert failed.error_message.split(":")[0] in failed_html
    error = messy.errors.first()
    assert "Problems in the files" in messy_html
    assert error.message.replace("'", "&#x27;") in messy_html and f"<td class=\"num\">{error.row}</td>" in messy_html


def test_rescreen_keeps_the_earlier_screening_and_redirects_to_the_new_one(client_as, officer_a, screening_a):
    response = client_as(officer_a).post(reverse("screening:rescreen", args=[screening_a.pk]))

    new = Screening.objects.exclude(pk=screening_a.pk).get(previous=screening_a)
    assert response.status_code == 302 and response.url == reverse("screening:detail", args=[new.pk])
    assert new.status == ScreeningStatus.QUEUED and new.scope == screening_a.scope
    assert Screening.objects.filter(pk=screening_a.pk, status=ScreeningStatus.DONE).exists()
    assert set(new.list_versions.all()) == set(screening_a.list_versions.all())
    assert screening_a.audit_entries.filter(action="screening.rescreened").exists()


def test_compare_shows_verdicts_counts_and_added_removed_and_kept_findings(client_as, officer_a, screening_a):
    later = screen(start(upload(BOMS / "clean.xlsx"), user=officer_a, subject=screening_a.subject))

    html = client_as(officer_a).get(reverse("screening:compare", args=[later.pk, screening_a.pk])).content.decode()

    assert f"What changed from screening #{screening_a.pk} to #{later.pk}" in html
    assert f"Removed ({screening_a.findings.count()})" in html and "Added (0)" in html
    assert 'badge badge--fail">Fail' in html and 'badge badge--pass">Pass' in html


def test_the_pages_need_a_bounded_number_of_queries(client_as, reviewer_a, screening_a, django_assert_max_num_queries):
    client = client_as(reviewer_a)
    for url in (
        reverse("screening:detail", args=[screening_a.pk]),
        reverse("screening:report_html", args=[screening_a.pk]),
        reverse("screening:audit", args=[screening_a.pk]),
        reverse("screening:list_index"),
        reverse("screening:version_detail", args=[screening_a.list_versions.first().pk]),
    ):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200
