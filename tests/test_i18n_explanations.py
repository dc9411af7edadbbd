"""What is written for officers beyond the engine's errors, in the reader's language: a finding's explanation (the
page, the report, the API), why a screening was re-screened, a bulk upload's members and their bids' validation
errors, severity-override and version-compare wording, a webhook delivery's error, and the audit log's summaries.
English stays what is stored, and the default."""

from __future__ import annotations

import html
import io
import json
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from procurement.bulk import bulk_upload_create, bulk_upload_process
from procurement.choices import Role
from procurement.models import UserPreference, validate_severity_overrides
from procurement.selectors import bid_latest_screening
from procurement.services import bid_create, list_import_rescreen, open_tenders_rescreen, rescreen_notice
from screening.choices import ScreeningStatus
from screening.engine import records
from screening.engine.policy import PolicyConfig
from screening.engine.records import BomRow, ListedEntity, ListKind, Message
from screening.engine.screen import ListSet, Screener
from screening.models import AuditEntry, Finding, WebhookDelivery
from screening.services.audit import audit_record
from screening.services.reviews import finding_decide
from screening.services.webhooks import _record
from tests.api.conftest import api_for
from tests.factories import LotFactory, OrganisationFactory, TenderFactory, UserFactory
from tests.procurement.test_rescreen_on_import import V1, V2, import_list, open_tender, screened_bid
from tests.screening.helpers import upload_bytes
from tests.screening.scenarios import private_list, screen, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_list_caches")]

BOM = b"Line,Manufacturer,Qty\n1,Huawei,2\n2,Huawei,1\n3,Acme Unknown Radio,4\n4,Huawei,1\n"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Agentura")


def person(organisation, language: str, role=Role.OFFICER):
    user = UserFactory(organisation=organisation, role=role, username=f"{role}_{language}")
    UserPreference.objects.create(user=user, language=language)
    return user


def browser_of(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


@pytest.fixture
def screened(organisation, sample_lists):
    officer = person(organisation, "cs")
    screening = screen(start(upload_bytes(BOM, "nabidka.csv"), user=officer))
    assert screening.status == ScreeningStatus.DONE
    return officer, screening


# -- finding explanations


def test_a_findings_explanation_is_shown_in_czech_and_bulgarian_and_stored_in_english(organisation, screened):
    officer, screening = screened
    bulgarian = person(organisation, "bg", role=Role.REVIEWER)
    huawei = screening.findings.filter(rule="restricted_entity", row=2).get()
    untrusted = screening.findings.get(rule="untrusted_party")

    czech = page(browser_of(officer).get(reverse("screening:detail", args=[screening.pk])))
    in_bulgarian = page(browser_of(bulgarian).get(reverse("screening:detail", args=[screening.pk])))

    assert huawei.explanation.startswith('alias "Huawei" of Huawei Technologies Co., Ltd. (after normalisation: ')
    assert "is on High-risk vendors (sample) (version" in huawei.explanation
    assert 'alias „Huawei“ subjektu Huawei Technologies Co., Ltd. (po normalizaci: „huawei“).' in czech
    assert "Huawei Technologies Co., Ltd. je na seznamu High-risk vendors (sample) (verze" in czech
    assert "Vlastník: Huawei Investment & Holding Co., Ltd." in czech
    assert "Acme Unknown Radio není na žádném z platných seznamů důvěryhodných dodavatelů." in czech
    assert "after normalisation" not in czech and "is on none of the trusted lists" not in czech
    assert "Acme Unknown Radio (není na seznamu)" in czech and "Jakýkoli list" in czech  # the chart, the filter
    assert "псевдоним „Huawei“ на Huawei Technologies Co., Ltd. (след нормализиране: „huawei“)." in in_bulgarian
    assert untrusted.explanation == "Acme Unknown Radio is on none of the trusted lists in force."


def test_the_api_and_the_report_give_explanations_in_the_readers_language(organisation, screened):
    _officer, screening = screened
    api = api_for(organisation, Role.OFFICER)
    german = person(organisation, "de", role=Role.REVIEWER)

    in_german = api.get(f"/api/v1/screenings/{screening.pk}/findings/", HTTP_ACCEPT_LANGUAGE="de").json()["results"]
    english = api.get(f"/api/v1/screenings/{screening.pk}/findings/").json()["results"]
    response = browser_of(german).get(reverse("screening:report_xlsx", args=[screening.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    untrusted_de = next(f for f in in_german if f["rule"] == "untrusted_party")
    untrusted_en = next(f for f in english if f["rule"] == "untrusted_party")
    assert untrusted_de["explanation"] == (
        "Acme Unknown Radio steht auf keiner der geltenden Listen vertrauenswürdiger Lieferanten."
    )
    assert untrusted_de["where"] == "nabidka.csv, Zeile 4, Spalte Manufacturer"
    assert untrusted_en["explanation"] == "Acme Unknown Radio is on none of the trusted lists in force."
    assert untrusted_en["where"] == "nabidka.csv, row 4, column Manufacturer"
    cells = [cell for row in book["Befunde"].iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert any(cell.startswith('Aliasname „Huawei“ von Huawei Technologies Co., Ltd.') for cell in cells)
    assert not any("after normalisation" in cell for cell in cells)


def test_an_explanation_is_the_english_text_of_its_message_and_copies_of_one_cell_share_it():
    huawei = ListedEntity("1", "Huawei Technologies Co., Ltd.", "restricted", ListKind.RESTRICTED, "v1",
                          aliases=("Huawei",))
    lists = ListSet(entities={"1": huawei})
    screener = Screener(lists, config=PolicyConfig())
    rows = [BomRow("bom.csv", "", n, {"manufacturer": "Huawei"}, {"manufacturer": "Mfr"}) for n in (2, 3, 4)]

    findings = list(screener.screen_rows(rows))

    assert len(findings) == 3
    assert all(isinstance(f.explanation_text, Message) for f in findings)
    assert all(str(f.explanation_text) == f.explanation for f in findings)
    assert len({id(f.explanation_text) for f in findings}) == 1, "one object for the cell's copies"
    assert findings[0].as_dict()["explanation"] == findings[0].explanation  # the CLI's JSON: English


def test_each_distinct_explanation_is_encoded_once_when_findings_are_stored(organisation, sample_lists, monkeypatch):
    officer = person(organisation, "cs")
    encoded = []
    monkeypatch.setattr(records, "json", SimpleNamespace(
        dumps=lambda data, **options: encoded.append(data) or json.dumps(data, **options)
    ))

    screening = screen(start(upload_bytes(BOM, "nabidka.csv"), user=officer))

    stored = list(screening.findings.values_list("explanation_template", flat=True))
    assert len(stored) == 4 and all(stored)
    assert len(encoded) == 2, "the three Huawei rows share one explanation; the unknown radio has its own"
    assert json.loads(stored[0])["params"]


def test_a_finding_stored_before_templates_were_kept_shows_its_english_explanation(screened):
    officer, screening = screened
    Finding.objects.filter(screening=screening).update(explanation_template="", explanation="an old explanation")

    shown = page(browser_of(officer).get(reverse("screening:detail", args=[screening.pk])))

    assert "an old explanation" in shown


# -- why a screening was re-screened, and the notice about it


def test_the_daily_rescreens_reason_is_shown_on_the_bid_page_and_in_the_notice_in_the_readers_language(
    organisation, sample_lists
):
    officer = person(organisation, "cs")
    tender = TenderFactory(organisation=organisation, status="open")
    tender.restricted_lists.set([sample_lists["restricted"].supplier_list])
    LotFactory(tender=tender, number=1)
    bid = bid_create(tender=tender, user=officer, bidder_name="Aurora", lots=list(tender.lots.all()),
                     boms=[SimpleUploadedFile("bom.csv", b"Manufacturer\nNokia\nHuawei\n")])
    screen(bid_latest_screening(bid))

    open_tenders_rescreen()
    rescreen = screen(bid_latest_screening(bid))
    shown = page(browser_of(officer).get(reverse("procurement:bid_detail", args=[bid.pk])))
    with translation.override("de"):
        notice = rescreen_notice(screening=rescreen)

    assert rescreen.reason == "daily re-screen of open tenders against the current list versions"
    assert "denní opakovaná prověrka otevřených zakázek podle aktuálních verzí seznamů" in shown
    assert "daily re-screen of open tenders" not in shown
    assert notice is None or "tägliche erneute Prüfung offener Ausschreibungen" in notice.body


def test_a_list_imports_rescreen_says_why_in_the_readers_language(organisation):
    officer = person(organisation, "cs")
    watch = import_list(V1, "watch-v1.csv")
    tender = open_tender(organisation, watch)
    bid = screened_bid(tender, officer, "Aurora Networks", "Crimson Antenna Works", "Nokia")

    impact = list_import_rescreen(version=import_list(V2, "watch-v2.csv"))
    new = screen(bid_latest_screening(bid))
    shown = page(browser_of(officer).get(reverse("procurement:bid_detail", args=[bid.pk])))
    with translation.override("bg"):
        notice = rescreen_notice(screening=new)

    assert impact.details[0]["new_screening"] == new.pk
    assert new.reason == ("list Watch list v2 imported: new entity Crimson Antenna Works Ltd matches "
                          "'Crimson Antenna Works' in the BOM")
    assert ("importován seznam Watch list v2: nový subjekt Crimson Antenna Works Ltd odpovídá „Crimson Antenna "
            "Works“ v kusovníku") in shown
    assert ("импортиран е списъкът Watch list v2: новият субект Crimson Antenna Works Ltd съвпада с „Crimson "
            "Antenna Works“ в спецификацията") in notice.body


# -- bulk uploads


def workbook_of(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bulk_workbooks_sheets_are_named_in_each_officers_language(organisation):
    czech = person(organisation, "cs")
    bulgarian = person(organisation, "bg", role=Role.ADMIN)
    tender = TenderFactory(organisation=organisation)
    LotFactory(tender=tender, number=1)
    data = workbook_of({
        "Aurora": [["Manufacturer", "Qty"], ["Nokia", 1]],
        "Pozn": [["Poznámka"], ["nic"]],
    })
    bulk_upload = bulk_upload_create(tender=tender, user=czech, content=SimpleUploadedFile("nabidky.xlsx", data))

    with translation.override("en"):  # the worker speaks the site's language
        bulk_upload_process(bulk_upload_id=bulk_upload.pk)
    in_czech = page(browser_of(czech).get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])))
    in_bulgarian = page(browser_of(bulgarian).get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])))
    items = list(bulk_upload.items.order_by("position"))

    assert [item.member for item in items] == ["sheet Aurora", "sheet Pozn"]
    assert "list Aurora" in in_czech and "sheet Aurora" not in in_czech
    assert "лист Aurora" in in_bulgarian
    assert items[1].outcome == "error" and items[1].error_message.startswith("nabidky.xlsx, sheet Pozn: ")
    assert "nabidky.xlsx, list Pozn: " in in_czech


def test_a_bid_refused_by_the_model_is_explained_in_every_language_though_the_worker_speaks_one(organisation):
    czech = person(organisation, "cs")
    german = person(organisation, "de", role=Role.ADMIN)
    tender = TenderFactory(organisation=organisation)
    LotFactory(tender=tender, number=1)
    manifest = b"file,bidder,bidder_country\nacme.csv,Acme,Germany\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", manifest)
        archive.writestr("acme.csv", b"Manufacturer\nNokia\n")
    bulk_upload = bulk_upload_create(tender=tender, user=czech,
                                     content=SimpleUploadedFile("nabidky.zip", buffer.getvalue()))

    with translation.override("en"):
        bulk_upload_process(bulk_upload_id=bulk_upload.pk)
    item = bulk_upload.items.get()
    in_czech = page(browser_of(czech).get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])))
    in_german = page(browser_of(german).get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])))

    assert item.outcome == "error"
    assert "Give the country as two capital letters (ISO 3166-1), e.g. DE." in item.error_message
    assert "manifest.csv, řádek 2: sloupec bidder_country: " in in_czech
    assert "Zadejte zemi dvěma velkými písmeny (ISO 3166-1), např. DE." in in_czech
    assert "Geben Sie das Land mit zwei Großbuchstaben an (ISO 3166-1), z. B. DE." in in_german
    assert "Give the country" not in in_czech + in_german


# -- severity overrides, version comparison


def test_a_wrong_severity_override_is_refused_in_the_readers_language():
    with pytest.raises(ValidationError) as unknown:
        validate_severity_overrides({"no_such_rule": {"": "high"}})
    with pytest.raises(ValidationError) as severity:
        validate_severity_overrides({"restricted_entity": {"": "extreme"}})

    # Translated when read, as a form or the API reads them, in the reader's language.
    with translation.override("de"):
        assert unknown.value.messages[0].startswith("Unbekannte Regel „no_such_rule“. Bekannte Regeln: ")
    with translation.override("cs"):
        assert severity.value.messages[0].startswith(
            "Pravidlo „restricted_entity“, oblast „žádný“: neznámá závažnost „extreme“."
        )
    with translation.override("en"):
        assert severity.value.messages[0].startswith("Rule 'restricted_entity', domain 'none': unknown severity")


def test_a_version_comparison_names_what_changed_in_czech(organisation):
    admin = person(organisation, "cs", role=Role.ADMIN)
    header = "name,country,parent,relation,divested\n"
    v1 = private_list(admin, name="Seznam", text=header + "Matka,CN,,,\nDcera,CN,Matka,subsidiary_of,\n")
    v2 = private_list(admin, name="Seznam", text=header + "Matka,VN,,,\nDcera,CN,Matka,subsidiary_of,yes\n")

    shown = page(browser_of(admin).get(reverse("screening:version_compare", args=[v2.pk, v1.pk])))

    assert "<td>země</td>" in shown and "<td>nadřazené subjekty</td>" in shown
    assert "(odprodáno)" in shown and "(divested)" not in shown


# -- webhook deliveries


def test_a_webhook_deliverys_error_is_kept_in_english_and_read_in_the_readers_language(organisation):
    api = api_for(organisation, Role.ADMIN)
    endpoint = api.post("/api/v1/webhooks/", {"url": "https://example.org/hooks"}, format="json").json()
    delivery = WebhookDelivery.objects.create(
        endpoint_id=endpoint["id"], event_id="6f1c0e4e-4a4b-4d0e-9a53-1d2c3b4a5f60", event_type="screening.done",
        event_key="screening.done:1", payload={},
    )
    delivery.attempts = 6
    error = Message.join([Message("HTTP {status}: only a 2xx response counts as delivered.", {"status": "500"}),
                          Message("Gave up after {tries} tries; send the event again once the receiver is fixed.",
                                  {"tries": 6})])

    _record(delivery, "failed", status=500, error=error)
    czech = api.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/", HTTP_ACCEPT_LANGUAGE="cs").json()

    delivery.refresh_from_db()
    assert delivery.error == ("HTTP 500: only a 2xx response counts as delivered. Gave up after 6 tries; send the "
                              "event again once the receiver is fixed.")
    shown = czech["results"][0]["error"]
    assert shown == ("HTTP 500: za doručené se počítá jen odpověď 2xx. Vzdáno po 6 pokusech; jakmile bude příjemce "
                     "opraven, odešlete událost znovu.")
    assert delivery.attempt_log[-1]["error"] == delivery.error


# -- the audit log


def test_an_audit_summary_is_english_on_record_and_bulgarian_on_the_page(organisation, screened):
    officer, screening = screened
    reviewer = person(organisation, "bg", role=Role.REVIEWER)
    finding = screening.findings.filter(rule="restricted_entity").first()
    finding_decide(findings=[finding], decision="dismissed", reason="Jen instalace", user=reviewer)

    shown = page(browser_of(reviewer).get(reverse("screening:audit", args=[screening.pk])))
    csv_text = browser_of(reviewer).get(reverse("screening:audit", args=[screening.pk]) + "?format=csv")
    entry = AuditEntry.objects.get(action="finding.dismissed")

    assert entry.summary.startswith(f"{entry.actor_name} dismissed the restricted_entity finding (high) on 'Huawei'")
    assert f"{entry.actor_name} отхвърли констатацията restricted_entity (висока) за „Huawei“" in shown
    assert "Причина: Jen instalace" in shown
    assert "стартира проверка №" in shown, "the screening's start, in Bulgarian too"
    assert "dismissed the restricted_entity" not in shown
    assert entry.summary in csv_text.content.decode(), "the CSV keeps the English record"


def test_the_systems_own_audit_entries_name_it_in_the_readers_language(organisation, screened):
    _officer, screening = screened
    german = person(organisation, "de", role=Role.REVIEWER)

    audit_record(scope=screening.scope, actor=None, action="screening.note", screening=screening,
                 summary=Message("{actor} cancelled screening #{number} at {done} of {total} rows.",
                                 {"actor": Message("the system"), "number": str(screening.pk), "done": 1200,
                                  "total": 5000}))

    shown = page(browser_of(german).get(reverse("screening:audit", args=[screening.pk])))

    assert f"das System hat die Prüfung #{screening.pk} bei Zeile 1.200 von 5.000 abgebrochen." in shown
    assert "<td>das System</td>" in shown
