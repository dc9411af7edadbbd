"""The interface in the officers' languages: complete, current catalogues; every page rendered in Czech and
Bulgarian with no English left from the templates; the switcher remembered on the profile."""

from __future__ import annotations

import ast
import html
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from babel.messages.extract import extract
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation.template import templatize

from procurement.choices import BulkItemOutcome, BulkUploadStatus, Role
from procurement.models import BulkUploadItem, Notification, UserPreference
from procurement.services import api_client_create
from screening.models import StandingException, SupplierList
from screening.services.reviews import finding_decide
from tests.factories import BidFactory, LotFactory, OrganisationFactory, TenderFactory, UserFactory
from tests.procurement.conftest import bulk_upload_for, document_for
from tests.procurement.test_permissions import OBJECT_URLS, PLAIN_URLS
from tests.screening.helpers import upload
from tests.screening.scenarios import BOMS, private_list, screen, start
from tests.screening.test_web_permissions import LISTING_URLS, b_urls

ROOT = Path(__file__).resolve().parent.parent
APPS = ("procurement", "screening")
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Languages whose catalogues are generated but not yet translated. Their completeness test is skipped (with this
# reason) while they are listed here; empty the list as each language's .po files are filled in.
LANGUAGES_IN_PROGRESS: list[str] = []
FULLY_TRANSLATED = [code for code in SHIPPED if code not in LANGUAGES_IN_PROGRESS]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
BRACE_PLACEHOLDER = re.compile(r"\{\w+\}")  # the engine's message templates (screening.engine.records.Message)

# What makemessages extracts (its xgettext keywords), for reading templates and modules without gettext.
KEYWORDS = {
    "_": None, "gettext": None, "gettext_lazy": None, "gettext_noop": None,
    "ngettext": (1, 2), "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3), "npgettext_lazy": ((1, "c"), 2, 3),
}


def po_path(app: str, language: str) -> Path:
    return ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"


def catalogue(app: str, language: str) -> polib.POFile:
    return polib.pofile(str(po_path(app, language)))


def entry_key(entry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def entry_text(entry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


# -- the catalogues


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(app, language):
    if language in LANGUAGES_IN_PROGRESS:
        pytest.skip(f"{language}: translation in progress (listed in LANGUAGES_IN_PROGRESS in tests/test_i18n.py)")
    po = catalogue(app, language)

    untranslated = [entry.msgid for entry in po if not entry.obsolete and not all(entry_text(entry))]
    fuzzy = [entry.msgid for entry in po if not entry.obsolete and "fuzzy" in entry.flags]
    wrong_placeholders = [
        (entry.msgid, text) for entry in po if not entry.obsolete for text in entry_text(entry)
        if text and set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
    ]
    wrong_placeholders += [
        (entry.msgid, text) for entry in po if not entry.obsolete and "python-brace-format" in entry.flags
        for text in entry_text(entry)
        if text and set(BRACE_PLACEHOLDER.findall(text)) != set(BRACE_PLACEHOLDER.findall(entry.msgid))
    ]

    where = po_path(app, language).relative_to(ROOT)
    assert not po.metadata_is_fuzzy, f"{where}: the header is marked fuzzy, so msgfmt would drop it"
    assert po.metadata.get("Language") == language, f"{where}: header Language is {po.metadata.get('Language')!r}"
    assert not untranslated, f"{where}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{where}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not wrong_placeholders, f"{where}: placeholders not in the English text: {wrong_placeholders[:5]}"


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogue_says_what_its_source_says(app, language):
    """The .mo files are committed (no gettext is needed to run the site): each must be compiled from its .po."""
    po = catalogue(app, language)
    mo_file = po_path(app, language).with_suffix(".mo")
    assert mo_file.exists(), f"{mo_file.relative_to(ROOT)} is missing: run compilemessages and commit it"
    mo = polib.mofile(str(mo_file))

    # msgfmt leaves out untranslated and fuzzy messages, as Django would not use them either.
    expected = {entry_key(e): entry_text(e) for e in po if not e.obsolete and "fuzzy" not in e.flags
                and all(entry_text(e))}
    compiled = {entry_key(e): entry_text(e) for e in mo}

    stale = sorted(str(key) for key in expected.keys() ^ compiled.keys())
    changed = sorted(str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    hint = f"{mo_file.relative_to(ROOT)} is out of date with its .po: run compilemessages and commit the .mo"
    assert not stale, f"{hint}; messages differ: {stale[:5]}"
    assert not changed, f"{hint}; translations differ: {changed[:5]}"
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms"), hint


def extracted_messages(app: str) -> set[tuple[str | None, str]]:
    """Every message of the app's templates and modules, read as makemessages reads them."""
    found = set()
    app_dir = ROOT / app
    for path in sorted(app_dir.rglob("*")):
        if path.suffix in (".html", ".txt") and "templates" in path.parts:
            # templatize keeps the template's indentation, which Python's tokenizer would take for blocks.
            source = "\n".join(line.lstrip() for line in templatize(path.read_text(encoding="utf-8")).splitlines())
        elif path.suffix == ".py" and "migrations" not in path.parts:
            source = path.read_text(encoding="utf-8")
        else:
            continue
        for _line, message, _comments, context in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS):
            msgid = message[0] if isinstance(message, tuple) else message
            found.add((context, msgid))
    return found


@pytest.mark.parametrize("app", APPS)
def test_the_catalogues_hold_every_message_of_the_templates_and_code(app):
    """A string wrapped after the last makemessages would show in English whatever the language."""
    extracted = extracted_messages(app)
    for language in SHIPPED:
        known = {entry_key(entry) for entry in catalogue(app, language) if not entry.obsolete}
        missing = sorted(str(key) for key in extracted - known)
        assert not missing, (
            f"{po_path(app, language).relative_to(ROOT)} lacks {len(missing)} message(s), e.g. {missing[:5]}: "
            f"run makemessages (see README, Languages), translate and compilemessages"
        )


def engine_message_templates() -> dict[str, str]:
    """Every template the engine marks with gettext_noop (it imports no Django), read from its source: template ->
    where it is written."""
    templates = {}
    for path in sorted((ROOT / "screening" / "engine").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "gettext_noop"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                templates.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return templates


@pytest.mark.parametrize("language", SHIPPED)
def test_every_engine_message_template_is_translated_in_every_language(language):
    """The engine's messages (BOM, archive and list-file errors, the no-header hint) reach officers through the
    Django side, which translates their templates: each must have a translation keeping its {placeholders}."""
    templates = engine_message_templates()
    assert len(templates) > 150, "the engine marks its messages with gettext_noop"
    entries = {entry.msgid: entry for entry in catalogue("screening", language) if not entry.obsolete}

    missing = sorted(f"{where}: {template!r}" for template, where in templates.items()
                     if template not in entries or not entries[template].msgstr
                     or "fuzzy" in entries[template].flags)
    placeholders = sorted(
        template for template in templates if template in entries and entries[template].msgstr
        and set(BRACE_PLACEHOLDER.findall(entries[template].msgstr)) != set(BRACE_PLACEHOLDER.findall(template))
    )

    assert not missing, f"screening/locale/{language}: {len(missing)} engine message(s) untranslated: {missing[:5]}"
    assert not placeholders, f"screening/locale/{language}: placeholders changed in {placeholders[:5]}"


# -- every page in Czech and Bulgarian

# English that reaches the pages from Python code not yet marked for translation (form labels and model verbose
# names, the screening's policy labels, chart titles, the admin's titles): the catalogues hold these phrases for
# the templates, so the check below would see them. Wrapping those strings (gettext_lazy) and translating them
# makes each one disappear from the pages: then the test asks for it to be removed here. Empty when done.
ENGLISH_FROM_PYTHON_NOT_YET_WRAPPED: dict[str, str] = {}


@pytest.fixture
def world(sample_lists):
    """Everything an organisation admin of one organisation can open, with findings, exceptions and lists."""
    organisation = OrganisationFactory(name="Agentura pro testy")
    admin = UserFactory(organisation=organisation, role=Role.ADMIN, username="admin_i18n", is_staff=True,
                        is_superuser=True)
    reviewer = UserFactory(organisation=organisation, role=Role.REVIEWER, username="reviewer_i18n")
    tender = TenderFactory(organisation=organisation)
    LotFactory(tender=tender)
    bid = BidFactory(tender=tender, bidder_name="Baltic Mobile Integrators Ltd", lots=list(tender.lots.all()))
    document = document_for(bid)
    screening = screen(start(upload(BOMS / "chain_hidden.xlsx"), user=admin, subject=bid, bidder=bid.bidder_name))
    other = screen(start(upload(BOMS / "clean.xlsx"), user=admin, subject=bid, bidder=bid.bidder_name))
    finding = screening.findings.filter(entity__isnull=False).first()
    finding_decide(findings=[finding], decision="dismissed", reason="Installation only", user=reviewer,
                   save_exception=True)
    v1 = private_list(admin, name="Interní seznam")
    v2 = private_list(admin, name="Interní seznam",
                      text="name,aliases\nAcme Shadow Networks Ltd,ASN\nSkrytý dodavatel,\n")
    plugin_world = {
        "screening": screening, "other": other, "finding": finding,
        "exception": StandingException.objects.get(scope=screening.scope), "versions": (v1, v2),
        "entity": v2.entities.get(name="Skrytý dodavatel"),
    }
    bulk_upload = bulk_upload_for(tender, name="nabidky.zip")
    bulk_upload.status = BulkUploadStatus.DONE
    bulk_upload.items_total, bulk_upload.items_ok, bulk_upload.items_failed = 2, 1, 1
    bulk_upload.save()
    BulkUploadItem.objects.create(bulk_upload=bulk_upload, position=1, member="Baltic.xlsx", bidder_name="Baltic",
                                  outcome=BulkItemOutcome.OK, bid=bid)
    BulkUploadItem.objects.create(bulk_upload=bulk_upload, position=2, member="prazdny.xlsx",
                                  outcome=BulkItemOutcome.ERROR, error_message="—")
    Notification.objects.create(user=admin, tender=tender, bid=bid, screening=other, message="—")
    api_client, _key = api_client_create(organisation=organisation, name="ERP", role=Role.OFFICER, user=admin)
    objects = {"tender": tender, "bid": bid, "document": document, "bulk_upload": bulk_upload,
               "api_client": api_client, "api_token": api_client.user.api_tokens.get()}
    return {"admin": admin, "objects": objects, "plugin": plugin_world}


def member_pages(world) -> list[str]:
    """Every page an organisation member opens: the buying side's and the plugin's page lists of the permission
    tests, the pages that answer a GET with HTML."""
    objects = world["objects"]
    urls = []
    for name, (kind, kwarg, methods) in OBJECT_URLS.items():
        if "get" in methods and objects[kind] is not None:
            urls.append(reverse(name, kwargs={kwarg: objects[kind].pk}))
    urls += [reverse(name) for name in PLAIN_URLS if name != "procurement:api_client_create"]
    urls += [url for method, url in b_urls(world["plugin"]).values() if method == "get"]
    urls += [reverse(f"screening:{name}") for name in LISTING_URLS]
    urls += [reverse("screening:entity_search") + "?q=huawei", "/no-such-page/"]
    urls += [reverse("admin:screening_supplierlist_changelist"), reverse("admin:screening_supplierlist_import")]
    return urls


ANONYMOUS_PAGES = ["login", "password_reset", "password_reset_done", "password_reset_complete"]


def english_left_over(language: str) -> list[str]:
    """The catalogues' English sentences and phrases (12 characters or more, no placeholders or markup) whose
    translation differs: none may appear on a page rendered in that language."""
    phrases = set()
    for app in APPS:
        for entry in catalogue(app, language):
            if entry.obsolete or entry.msgid_plural or len(entry.msgid) < 12:
                continue
            if "%" in entry.msgid or "<" in entry.msgid or entry.msgstr == entry.msgid:
                continue
            if entry.msgid.islower() and {path for path, _line in entry.occurrences} == {"models.py"}:
                # A model's verbose name ("standing exception"): pages show it capitalised (the admin's capfirst),
                # while the lower-case noun is also part of URLs, CSS classes and audit summaries (stored English).
                continue
            phrases.add(entry.msgid)
    return sorted(phrases)


def html_pages(client, urls) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), f"{url} answered {response.status_code}"
        if response["Content-Type"].startswith("text/html"):
            pages[url] = response.content.decode()
    return pages


def assert_translated(pages: dict[str, str], language: str, expected_words: list[str]) -> set[str]:
    """No English phrase of the catalogues on any page; returns the phrases let through as not yet wrapped."""
    leftovers = english_left_over(language)
    let_through = set()
    assert len(leftovers) > 150, "the check needs the catalogues' English phrases"
    english = {}
    for url, page in pages.items():
        assert re.search(rf'<html lang="{language}"[ >]', page), f"{url} is not marked as {language}"
        text = html.unescape(re.sub(r"<script.*?</script>", "", page, flags=re.S))
        found = [phrase for phrase in leftovers if phrase in text]
        let_through.update(phrase for phrase in found if phrase in ENGLISH_FROM_PYTHON_NOT_YET_WRAPPED)
        found = [phrase for phrase in found if phrase not in ENGLISH_FROM_PYTHON_NOT_YET_WRAPPED]
        if found:
            english[url] = found
    assert not english, f"pages in {language} still show English: {english}"
    shown = " ".join(pages.values())
    for word in expected_words:
        assert word in shown, f"{word!r} is on none of the {language} pages"
    return let_through


EXPECTED = {
    "cs": ["Zakázky", "Seznamy", "Odhlásit se", "Poslední prověrka", "Nálezy", "Auditní záznam", "Trvalé výjimky"],
    "bg": ["Поръчки", "Списъци", "Изход", "Последна проверка", "Констатации", "Одитен дневник",
           "Постоянни изключения"],
    "mk": ["Тендери", "Листи", "Одјава", "Последна проверка", "Наоди", "Ревизорски дневник", "Трајни исклучувања"],
    "sq": ["Tenderët", "Listat", "Dil", "Kontrolli i fundit", "Gjetjet", "Regjistri i auditimit",
           "Përjashtimet e përhershme"],
    "sv": ["Upphandlingar", "Listor", "Logga ut", "Senaste granskning", "Anmärkningar", "Revisionslogg",
           "Stående undantag"],
    "de": ["Ausschreibungen", "Listen", "Abmelden", "Letzte Prüfung", "Befunde", "Audit-Protokoll", "Dauerausnahmen"],
}
RESET_SUBJECT = {
    "cs": "obnovení hesla", "bg": "нулиране на паролата", "mk": "ресетирање на лозинката",
    "sq": "rivendosja e fjalëkalimit", "sv": "återställ ditt lösenord", "de": "Passwort zurücksetzen",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", FULLY_TRANSLATED)
def test_every_page_renders_in_the_users_remembered_language(client, world, language):
    UserPreference.objects.create(user=world["admin"], language=language)
    client.force_login(world["admin"])

    pages = html_pages(client, member_pages(world))

    assert len(pages) >= 20, sorted(pages)
    let_through = assert_translated(pages, language, EXPECTED[language])
    translated_since = set(ENGLISH_FROM_PYTHON_NOT_YET_WRAPPED) - let_through
    assert not translated_since, f"now translated: remove {sorted(translated_since)} from ENGLISH_FROM_PYTHON_..."


@pytest.mark.django_db
@pytest.mark.parametrize("language", FULLY_TRANSLATED)
def test_every_page_renders_in_the_browsers_language(world, language):
    browser = Client(HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    browser.force_login(world["admin"])

    pages = html_pages(browser, member_pages(world))

    assert_translated(pages, language, EXPECTED[language])
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert_translated(html_pages(anonymous, [reverse(name) for name in ANONYMOUS_PAGES]), language, [])


@pytest.mark.django_db
@pytest.mark.parametrize("language", FULLY_TRANSLATED)
def test_the_password_reset_email_is_written_in_the_requesters_language(language):
    user = UserFactory(email="officer@example.org", username="officer_mail")

    Client(HTTP_ACCEPT_LANGUAGE=language).post(reverse("password_reset"), {"email": user.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    leftovers = [phrase for phrase in english_left_over(language) if phrase in message.subject + message.body]
    assert not leftovers, f"the {language} e-mail still says {leftovers}"
    assert RESET_SUBJECT[language] in message.subject


# -- model field names: the admin's forms, columns and filters and the ModelForms' labels come from them

# Field names written the same way in a language (codes and acronyms); every other name must differ from English.
SAME_IN_LANGUAGE = {
    "cs": {"LEI", "SHA-256", "URL"},
    "bg": {"LEI", "SHA-256", "URL"},
}


def model_fields() -> list:
    """Every concrete field of every model of both apps that is not made by Django (the primary key, say),
    editable or not: the admin shows the others read-only under the same names."""
    return [
        (model, field)
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.auto_created
    ]


def test_every_model_field_has_a_translatable_name():
    fields = model_fields()
    assert len([field for _model, field in fields if field.editable]) > 200
    unnamed = [f"{model._meta.label}.{field.name}" for model, field in fields
               if not isinstance(field.verbose_name, Promise)]
    assert not unnamed, f"{len(unnamed)} field(s) named in English only (give them verbose_name=_(...)): {unnamed}"


@pytest.mark.parametrize("language", ["cs", "bg"])
def test_every_model_field_name_is_translated(language):
    untranslated = []
    for model, field in model_fields():
        with translation.override("en"):
            english = str(field.verbose_name)
        with translation.override(language):
            translated = str(field.verbose_name)
        if translated == english and english not in SAME_IN_LANGUAGE[language]:
            untranslated.append(f"{model._meta.label}.{field.name} ({english!r})")
    assert not untranslated, f"field names still English in {language}: {untranslated}"


@pytest.mark.django_db
def test_the_admin_names_a_supplier_lists_fields_in_czech():
    superuser = UserFactory(username="admin_fields", is_staff=True, is_superuser=True)
    supplier_list = SupplierList.objects.create(name="Interní seznam", kind="restricted", publisher="Agentura")
    browser = Client(HTTP_ACCEPT_LANGUAGE="cs")
    browser.force_login(superuser)
    response = browser.get(reverse("admin:screening_supplierlist_change", args=[supplier_list.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<label[^>]*for="id_publisher"[^>]*>Vydavatel:</label>', page), "no Czech label for publisher"
    assert re.search(r'<label[^>]*for="id_source_url"[^>]*>URL zdroje:</label>', page)
    assert ">Publisher:<" not in page
    assert ">Source url:<" not in page


@pytest.mark.django_db
def test_the_admin_list_of_supplier_lists_counts_entities_in_czech(sample_lists):
    superuser = UserFactory(username="admin_counts", is_staff=True, is_superuser=True)
    browser = Client(HTTP_ACCEPT_LANGUAGE="cs")
    browser.force_login(superuser)

    page = browser.get(reverse("admin:screening_supplierlist_changelist")).content.decode()

    counts = re.findall(r"v\d+ \((\d+) (\w+)\)", page)
    assert counts and all(word in ("subjekt", "subjekty", "subjektu", "subjektů") for _n, word in counts), counts
    assert "entities)" not in page


# -- the switcher


@pytest.mark.django_db
def test_the_switcher_remembers_the_choice_and_the_next_session_speaks_it(client):
    officer = UserFactory(organisation=OrganisationFactory(), role=Role.OFFICER, username="officer_switch")
    client.force_login(officer)
    page = client.get(reverse("procurement:tender_list")).content.decode()
    assert '<html lang="en">' in page and 'action="/language/"' in page

    response = client.post(reverse("set_language"), {"language": "cs", "next": "/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cs"
    assert UserPreference.objects.get(user=officer).language == "cs"
    assert "<h1>Zakázky</h1>" in client.get("/").content.decode()

    # Another browser, another session, a German browser and no cookie: the remembered choice wins.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="de")
    elsewhere.force_login(officer)
    page = elsewhere.get("/").content.decode()
    assert '<html lang="cs">' in page
    assert "<h1>Zakázky</h1>" in page

    client.post(reverse("set_language"), {"language": "bg", "next": "/"})
    assert UserPreference.objects.get(user=officer).language == "bg"
    assert "<h1>Поръчки</h1>" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_visitor_who_is_not_logged_in_switches_by_cookie_only(client):
    response = client.post(reverse("set_language"), {"language": "bg", "next": reverse("login")})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    assert UserPreference.objects.count() == 0
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="bg">' in page and "<h1>Вход</h1>" in page


@pytest.mark.django_db
def test_an_unknown_language_is_not_remembered(client):
    officer = UserFactory(organisation=OrganisationFactory(), role=Role.OFFICER, username="officer_unknown")
    client.force_login(officer)

    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not UserPreference.objects.filter(user=officer).exists()
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_switcher_needs_the_csrf_token():
    officer = UserFactory(organisation=OrganisationFactory(), role=Role.OFFICER, username="officer_csrf")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)

    refused = browser.post(reverse("set_language"), {"language": "cs", "next": "/"})
    page = browser.get("/").content.decode()
    switcher = re.search(r'<form[^>]*action="/language/".*?</form>', page, flags=re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', switcher).group(1)
    accepted = browser.post(reverse("set_language"), {"language": "cs", "next": "/", "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert UserPreference.objects.get(user=officer).language == "cs"


@pytest.mark.django_db
def test_dates_and_numbers_follow_the_language(client, world):
    tender = world["objects"]["tender"]
    tender.submission_deadline = datetime(2026, 3, 9, 14, 5, tzinfo=UTC)
    tender.save(update_fields=["submission_deadline"])
    client.force_login(world["admin"])
    url = reverse("procurement:tender_detail", args=[tender.pk])

    english = client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "cs", "next": "/"})
    czech = client.get(url).content.decode()

    assert "2026-03-09" in english
    assert "09.03.2026" in czech
    coordinates = re.findall(r'<svg class="chart".*?</svg>', czech, flags=re.S)
    assert coordinates, "the tender page draws its charts"
    assert not re.search(r'\s(?:x|y|width|height|x1|x2|y1|y2)="[^"]*,', " ".join(coordinates)), "SVG numbers localised"
    assert f"{tender.review_threshold:.2f}".replace(".", ",") in czech
    assert get_user_model().objects.get(pk=world["admin"].pk).preference.language == "cs"


@pytest.mark.django_db
def test_amounts_are_grouped_as_each_language_writes_them():
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ amount|floatformat:"2g" }}')
    written = {}
    for language in ("en", "cs", "bg", "de"):
        with translation.override(language):
            written[language] = template.render(Context({"amount": 1170280}))

    assert written == {
        "en": "1,170,280.00", "cs": "1\xa0170\xa0280,00", "bg": "1\xa0170\xa0280,00", "de": "1.170.280,00",
    }


# -- errors from Python: the API's and the forms', in the client's language


@pytest.mark.django_db
def test_the_apis_own_error_messages_come_back_in_the_clients_language(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api.conftest import api_for

    api = api_for(OrganisationFactory(name="Agentura"), Role.OFFICER)
    czech = {"HTTP_ACCEPT_LANGUAGE": "cs"}

    missing = api.post("/api/v1/tenders/", {"reference": "T-1", "title": "Jádro", "restricted_lists": [987654]},
                       format="json", **czech)
    assert missing.status_code == 400, missing.content
    assert missing.json()["errors"] == [{
        "location": "body", "field": "restricted_lists",
        "message": "Žádný seznam typu „restricted“ s id 987654, který smí vaše organizace používat.",
    }]
    # The same request in English still reads as before.
    english = api.post("/api/v1/tenders/", {"reference": "T-1", "title": "Core", "restricted_lists": [987654]},
                       format="json")
    assert english.json()["errors"][0]["message"] == (
        "No restricted list with id 987654 that your organisation may use."
    )

    first = api.post("/api/v1/tenders/", {"reference": "T-2", "title": "Jádro"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="klic-1", **czech)
    assert first.status_code == 201, first.content
    reused = api.post("/api/v1/tenders/", {"reference": "T-2", "title": "Jiné"}, format="json",
                      HTTP_IDEMPOTENCY_KEY="klic-1", **czech)
    assert reused.status_code == 409
    assert reused.json()["errors"][0]["message"].startswith("Tento klíč byl použit pro jiný požadavek (POST ")

    settings.SCREENING_MAX_UPLOAD_BYTES = 100
    tender = first.json()["id"]
    big = SimpleUploadedFile("velky.csv", b"Manufacturer\n" + b"Nokia\n" * 100)
    too_large = api.post(f"/api/v1/tenders/{tender}/bids/", {"bidder_name": "Nordic Radio AB", "boms": [big]},
                         format="multipart", **czech)
    assert too_large.status_code == 413, too_large.content
    message = too_large.json()["errors"][0]["message"].replace("\xa0", " ")  # filesizeformat's no-break spaces
    assert message.startswith("velky.csv má 613 bajtů; limit je 100 bajtů. Rozdělte sešit"), message


@pytest.mark.django_db
def test_a_refused_upload_is_explained_in_bulgarian_on_the_bid_form():
    from django.core.files.uploadedfile import SimpleUploadedFile

    organisation = OrganisationFactory(name="Агенция")
    officer = UserFactory(organisation=organisation, role=Role.OFFICER, username="officer_bg")
    tender = TenderFactory(organisation=organisation)
    browser = Client(HTTP_ACCEPT_LANGUAGE="bg")
    browser.force_login(officer)

    response = browser.post(reverse("procurement:bid_create", args=[tender.pk]), {
        "bidder_name": "Baltic Mobile Integrators Ltd", "boms": [SimpleUploadedFile("setup.exe", b"MZ\x90\x00")],
    })

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "setup.exe: файлове от тип „.exe“ не се проверяват. Качете един от: " in page
    assert "are not screened" not in page
