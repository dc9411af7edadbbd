"""The officer's journey in a real browser, against a live server and a real Celery worker.

Log in as the demo user, create a tender, upload the fixture BOM whose restricted vendor hides three tiers down a
subcontractor chain, watch the progress bar reach the verdict, see the chain drawn, dismiss one finding with a
reason, and download a report whose contents match the screen.
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from django.core.management import call_command

from screening.models import Finding
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "screen-5g-demo"  # noqa: S105 - the demo user's documented password


def test_an_officer_screens_a_bid_and_defends_the_decision(live_server, celery_worker, page, tmp_path):
    call_command("demo_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115 - discarded output
    base = live_server.url

    # Log in as the demo user
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")

    # Create a tender with a RAN lot and both sample lists
    page.goto(f"{base}/tenders/new/")
    page.locator("#id_reference").fill("E2E-2026/07")
    page.locator("#id_title").fill("RAN modernisation, northern region")
    page.locator("#id_status").select_option("open")
    page.get_by_label("High-risk vendors (sample)").check()
    page.get_by_label("Trusted network vendors (sample)").check()
    page.locator("input[name$='-0-number']").fill("1")
    page.locator("input[name$='-0-title']").fill("Radio access")
    page.locator("select[name$='-0-domain']").select_option("ran")
    page.get_by_role("button", name=re.compile("Save|Create", re.I)).click()
    page.wait_for_url(re.compile(r"/tenders/\d+/$"))
    assert "E2E-2026/07" in page.locator("h1").first.inner_text()

    # Upload the bid whose restricted vendor hides three tiers down
    page.get_by_role("link", name="Upload a bid").first.click()
    page.get_by_label("Bidder company name").fill("Baltic Mobile Integrators Ltd")
    page.get_by_label("Bill of materials files").set_input_files(str(FIXTURES / "boms" / "chain_hidden.xlsx"))
    page.get_by_role("button", name=re.compile("Upload|Screen|Save", re.I)).click()
    page.wait_for_url(re.compile(r"/bids/\d+/$"))

    # The progress bar reaches the verdict without the officer reloading
    progress = page.locator("progress").first
    assert progress.count() == 1
    page.get_by_text(re.compile(r"\bFail\b")).first.wait_for(timeout=90_000)
    assert float(page.locator("progress").first.get_attribute("value")) == pytest.approx(1.0)

    # The findings page draws the chain from the bidder to the listed entity
    page.get_by_role("link", name="Findings and review").click()
    page.wait_for_url(re.compile(r"/screening/\d+/$"))
    screening_id = int(re.search(r"/screening/(\d+)/", page.url).group(1))
    chains = page.locator("ol.chain")
    drawn = [" ".join(chains.nth(i).inner_text().split()) for i in range(chains.count())]
    tiers = ("Nordic Site Services AB", "Eastern Tower Works", "ZTE Kangxun Telecom Co., Ltd.")
    three_tiers = [text for text in drawn if all(tier in text for tier in tiers)]
    assert three_tiers, drawn[:5]
    listed_box = chains.locator(".chain__node--listed").first
    assert listed_box.count() == 1

    # Dismiss one finding with a written reason
    finding = Finding.objects.filter(screening_id=screening_id, rule="restricted_entity").order_by("pk").first()
    page.locator("details.decide-one summary").first.click()
    decide = page.locator("details.decide-one").first
    decide.locator("select[name='decision']").select_option("dismissed")
    decide.locator("textarea[name='reason']").fill("Installation crew only; no ZTE equipment is supplied on this line.")
    decide.get_by_role("button", name="Save decision").click()
    page.get_by_text("Installation crew only").first.wait_for()
    dismissed = Finding.objects.filter(screening_id=screening_id, decision="dismissed")
    assert dismissed.count() == 1
    assert dismissed.get().decided_by.username == "demo"
    shown_rows = Finding.objects.filter(screening_id=screening_id).count()
    assert finding is not None

    # The downloaded report says what the screen says
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Report (.xlsx)").click()
    path = tmp_path / "report.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    summary = " ".join(str(c.value) for row in workbook["Summary"].iter_rows() for c in row if c.value is not None)
    assert "fail" in summary.lower()
    findings_sheet = workbook["Findings"]
    header = [c.value for c in next(findings_sheet.iter_rows(max_row=1))]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in findings_sheet.iter_rows(min_row=2)]
    assert len(rows) == shown_rows
    decisions = [str(value) for row in rows for key, value in row.items() if key and "ecision" in key and value]
    assert any("ismiss" in value for value in decisions)
    assert any("Installation crew only" in str(value) for row in rows for value in row.values())
