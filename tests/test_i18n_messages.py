"""Messages written by the engine and the services, as an officer reads them: a failed job, a file's row errors, a list
import's rejected rows, a bulk upload's refused members, in the reader's language on the pages, in the API (by
Accept-Language) and in the report; English stays the default, and a message stored before its template was kept
shows as it was stored."""

from __future__ import annotations

import html
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from procurement.bulk import bulk_upload_create, bulk_upload_process
from procurement.choices import Role
from procurement.models import Tender, UserPreference
from procurement.services import rescreen_notice
from screening.choices import ScreeningStatus, ScreeningTrigger, Severity
from screening.engine.records import BomReadError, Location, Message, RowError, gettext_noop
from screening.messages import message_text
from screening.models import Screening, ScreeningError
from tests.api.conftest import api_for
from tests.engine.bom_samples import compound_file
from tests.factories import BidFactory, LotFactory, OrganisationFactory, TenderFactory, UserFactory
from tests.procurement.conftest import screening_for
from tests.screening.helpers import upload_bytes
from tests.screening.scenarios import screen, start

pytestmark = pytest.mark.django_db

DAMAGED = b"PK\x03\x04" + b"\x00" * 200
NO_HEADER = b"Pozice;Firma;Typ\n1;Huawei Technologies;AAU 5613\n"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Agentura")


def person(organisation, language: str, role=Role.OFFICER, **fields):
    user = UserFactory(organisation=organisation, role=role, username=f"{role}_{language}", **fields)
    UserPreference.objects.create(user=user, language=language)
    return user


def browser_of(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def failed(user, data: bytes, name: str):
    screening = screen(start(upload_bytes(data, name), user=user))
    assert screening.status == ScreeningStatus.FAILED
    return screening


# -- the helper


def test_a_message_is_english_by_default_and_translated_with_its_values_when_shown():
    message = Message(gettext_noop("the cell is {length} characters long; only the first {limit} are read"),
                      {"length": 12345, "limit": 2000})

    with translation.override("de"):
        german = message_text(message.as_dict(), str(message))
    with translation.override("en"):
        english = message_text(message.as_dict(), str(message))

    assert english == "the cell is 12,345 characters long; only the first 2,000 are read"
    assert german == "die Zelle ist 12.345 Zeichen lang; nur die ersten 2.000 werden gelesen"


def test_a_row_stored_before_templates_were_kept_shows_its_english_text(organisation):
    officer = person(organisation, "cs")
    screening = failed(officer, DAMAGED, "stara.xlsx")
    ScreeningError.objects.create(screening=screening, file_name="stara.xlsx", message="an old message in English")
    Screening.objects.filter(pk=screening.pk).update(error_template=None, error_message="old failure")

    shown = page(browser_of(officer).get(reverse("screening:detail", args=[screening.pk])))

    assert "old failure" in shown and "an old message in English" in shown


# -- a failed job and its file's errors


def test_a_damaged_bom_fails_in_czech_on_the_page_and_in_the_api_and_in_english_by_default(organisation):
    officer = person(organisation, "cs")
    screening = failed(officer, DAMAGED, "nabidka.xlsx")
    api = api_for(organisation, Role.OFFICER)

    shown = page(browser_of(officer).get(reverse("screening:detail", args=[screening.pk])))
    czech = api.get(f"/api/v1/screenings/{screening.pk}/", HTTP_ACCEPT_LANGUAGE="cs").json()
    rows = api.get(f"/api/v1/screenings/{screening.pk}/errors/", HTTP_ACCEPT_LANGUAGE="cs").json()["results"]
    english = api.get(f"/api/v1/screenings/{screening.pk}/").json()

    expected = "nabidka.xlsx: soubor začíná jako soubor Excel nebo ZIP, ale je poškozený"
    assert expected in shown
    assert "Otevřete ho v Excelu nebo LibreOffice" in shown
    assert "starts like an Excel" not in shown
    assert czech["error_message"].startswith(expected)
    assert rows[0]["file"] == "nabidka.xlsx"
    assert rows[0]["message"].startswith("soubor začíná jako soubor Excel nebo ZIP")
    assert english["error_message"].startswith("nabidka.xlsx: the file starts like an Excel or ZIP file but is damaged")
    assert screening.error_message == english["error_message"]  # the English text is what is stored


def test_a_password_protected_workbook_is_explained_in_bulgarian(organisation):
    officer = person(organisation, "bg")
    screening = failed(officer, compound_file(["EncryptionInfo", "EncryptedPackage"]), "oferta.xlsx")

    shown = page(browser_of(officer).get(reverse("screening:detail", args=[screening.pk])))
    report = page(browser_of(officer).get(reverse("screening:report_html", args=[screening.pk])))

    assert "oferta.xlsx: работната книга е защитена с парола и не може да бъде прочетена" in shown
    assert "работната книга е защитена с парола" in report
    assert "protected with a password" not in shown + report


def test_the_no_header_hint_names_the_header_words_of_the_readers_language(organisation):
    czech = person(organisation, "cs")
    bulgarian = person(organisation, "bg", role=Role.ADMIN)
    screening = failed(czech, NO_HEADER, "kusovnik.csv")

    in_czech = page(browser_of(czech).get(reverse("screening:detail", args=[screening.pk])))
    in_bulgarian = page(browser_of(bulgarian).get(reverse("screening:detail", args=[screening.pk])))

    assert "nalezeno: Pozice, Firma, Typ (řádek 1)" in in_czech
    assert "Nadepište sloupec výrobců Výrobce (nebo " in in_czech
    assert "Dodavatel" in in_czech and "Head the column" not in in_czech
    assert "Озаглавете колоната с производителите Производител (или " in in_bulgarian
    assert "Доставчик" in in_bulgarian
    assert "Head the column of manufacturers Manufacturer (or Mfr, Make, Brand, OEM)" in screening.error_message


def test_row_errors_of_a_screened_file_are_shown_and_reported_in_the_readers_language(organisation, sample_lists):
    officer = person(organisation, "de")
    bom = b"Manufacturer,Qty\n12345,2\nNokia,1\n"
    screening = screen(start(upload_bytes(bom, "angebot.csv"), user=officer))
    assert screening.status == ScreeningStatus.DONE and screening.errors.exists()

    shown = page(browser_of(officer).get(reverse("screening:detail", args=[screening.pk])))
    response = browser_of(officer).get(reverse("screening:report_xlsx", args=[screening.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    assert "Spalte Manufacturer enthält eine Zahl oder ein Datum, keinen Firmennamen" in shown
    assert book.sheetnames[:2] == ["Zusammenfassung", "Befunde"] and "Fehler" in book.sheetnames
    errors = list(book["Fehler"].iter_rows(values_only=True))
    assert errors[0] == ("Datei", "Blatt", "Zeile", "Spalte", "Problem")
    assert errors[1][4] == "Spalte Manufacturer enthält eine Zahl oder ein Datum, keinen Firmennamen"
    findings_header = next(book["Befunde"].iter_rows(values_only=True))
    assert findings_header[:3] == ("Schweregrad", "Regel", "Datei")


# -- list imports


BAD_LIST = "name,aliases,country\nGood Co,,CN\nBad Co,,CHINA\n"


def test_a_list_import_with_a_bad_row_is_refused_in_german_on_the_form_and_in_the_api(organisation):
    admin = person(organisation, "de", role=Role.ADMIN)
    expected = "„CHINA“ ist kein zweibuchstabiger Ländercode nach ISO 3166 (CN, US, DE...)."

    shown = page(browser_of(admin).post(reverse("screening:list_import"), {
        "name": "Eigene Liste", "kind": "restricted",
        "file": SimpleUploadedFile("liste.csv", BAD_LIST.encode(), content_type="text/csv"),
    }))
    response = api_for(organisation, Role.ADMIN).post(
        "/api/v1/lists/import/",
        {"file": SimpleUploadedFile("liste.csv", BAD_LIST.encode()), "name": "Eigene Liste", "kind": "restricted"},
        format="multipart", HTTP_ACCEPT_LANGUAGE="de",
    )

    assert f"liste.csv, Zeile 3, Spalte country: {expected}" in shown
    assert "Gefundene Probleme: 1; nichts wurde importiert." in shown
    assert "is not a two-letter" not in shown
    assert response.status_code == 400
    assert response.json()["errors"] == [{
        "location": "body", "field": "file", "message": expected,
        "file": "liste.csv", "sheet": "", "row": 3, "column": "country",
    }]


# -- bulk uploads


def zip_of(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_bulk_zip_with_a_path_traversal_member_says_why_in_czech(organisation, sample_lists):
    officer = person(organisation, "cs")
    tender = TenderFactory(organisation=organisation)
    LotFactory(tender=tender, number=1)
    archive = zip_of(("Acme.csv", b"Manufacturer\nNokia\n"), ("../zlo.csv", b"Manufacturer\nNokia\n"))
    bulk_upload = bulk_upload_create(tender=tender, user=officer, content=SimpleUploadedFile("nabidky.zip", archive))
    bulk_upload_process(bulk_upload_id=bulk_upload.pk)
    api = api_for(organisation, Role.OFFICER)

    shown = page(browser_of(officer).get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])))
    items = api.get(f"/api/v1/bulk-uploads/{bulk_upload.pk}/", HTTP_ACCEPT_LANGUAGE="cs").json()["items"]
    english = api.get(f"/api/v1/bulk-uploads/{bulk_upload.pk}/").json()["items"]

    czech = "../zlo.csv: ukazuje mimo archiv (jeho cesta vede výš pomocí „..“); odmítnuto."
    assert czech in shown and "points outside the archive" not in shown
    assert [item["error_message"].startswith(czech) for item in items] == [False, True]
    assert english[1]["error_message"].startswith("../zlo.csv: points outside the archive")


def test_a_refused_bulk_archive_is_explained_in_the_readers_language_on_the_form(organisation):
    officer = person(organisation, "sv")
    tender = TenderFactory(organisation=organisation)

    shown = page(browser_of(officer).post(reverse("procurement:bulk_upload_create", args=[tender.pk]), {
        "file": SimpleUploadedFile("anbud.zip", b"Manufacturer\nNokia\n"),
    }))

    assert "anbud.zip: är inte ett ZIP-arkiv. Lägg materialförteckningarna i ett .zip-arkiv" in shown


# -- webhooks, the tender page, notices


def test_a_webhook_url_that_is_not_http_is_refused_in_the_clients_language(organisation):
    api = api_for(organisation, Role.ADMIN)

    czech = api.post("/api/v1/webhooks/", {"url": "ftp://example.org/x"}, format="json", HTTP_ACCEPT_LANGUAGE="cs")
    english = api.post("/api/v1/webhooks/", {"url": "ftp://example.org/x"}, format="json")

    assert czech.status_code == english.status_code == 400
    assert czech.json()["errors"][0]["message"] == (
        "„ftp://example.org/x“ není adresa http ani https: zadejte adresu začínající https://."
    )
    assert english.json()["errors"][0]["message"].startswith("'ftp://example.org/x' is not an http or https URL")


def test_the_tender_page_names_network_domains_and_severities_in_the_readers_language(organisation):
    officer = person(organisation, "cs")
    tender = TenderFactory(organisation=organisation)
    Tender.objects.filter(pk=tender.pk).update(
        severity_overrides={"restricted_entity": {"ran": "critical", "": "medium"}}
    )

    shown = page(browser_of(officer).get(reverse("procurement:tender_detail", args=[tender.pk])))

    with translation.override("cs"):
        critical, medium = str(Severity.CRITICAL.label), str(Severity.MEDIUM.label)
    assert f"<code>restricted_entity</code> v doméně Přístupová síť / RAN: {critical}" in shown
    assert f"<code>restricted_entity</code> bez domény: {medium}" in shown
    assert "ran: critical" not in shown


def test_a_german_notice_keeps_the_verdicts_capitalised(organisation):
    bid = BidFactory(tender=TenderFactory(organisation=organisation), bidder_name="Nordic Radio AB")
    before = screening_for(bid, verdict="pass")
    after = screening_for(bid, verdict="review", previous=before, trigger=ScreeningTrigger.LIST_IMPORT,
                          reason="list v2 imported")

    with translation.override("de"):
        german = rescreen_notice(screening=after)
    with translation.override("en"):
        english = rescreen_notice(screening=after)

    assert "Bestanden → Überprüfung" in german.message
    assert "changed verdict pass → review" in english.message


# -- the engine speaks English by itself


def test_the_engine_text_is_english_and_carries_its_template():
    error = BomReadError(Message(gettext_noop("the file is empty (0 bytes). Upload the BOM again.")),
                         location=Location("x.csv"))
    row = RowError(Location("x.csv", "", 3, "Mfr"), error.text)

    assert str(error) == "x.csv: the file is empty (0 bytes). Upload the BOM again."
    assert row.message == error.message == "the file is empty (0 bytes). Upload the BOM again."
    assert Message.from_dict(row.text.as_dict()) == row.text
