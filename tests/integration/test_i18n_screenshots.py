"""The interface in Czech and Bulgarian in a real browser: log in, switch the language in the header, open the
tender list, a tender, a bid and its screening, and keep a screenshot of each (their paths are in the messages)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from procurement.models import Tender, UserPreference
from tests.factories import BidFactory
from tests.screening.helpers import upload
from tests.screening.scenarios import BOMS, screen, start

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "screen-5g-demo"  # noqa: S105 - the demo user's documented password

# What each page must show, as the officer reads it: (page, heading level and text, a further text).
PAGES = {
    "cs": {
        "tenders": ("h1", "Zakázky", "Lhůta pro podání nabídek"),
        "tender": ("h2", "Nabídky", "Pravidla prověrky"),
        "bid": ("h2", "Poslední prověrka", "Historie prověrek"),
        "screening": ("h2", "Nálezy", "O této prověrce"),
    },
    "bg": {
        "tenders": ("h1", "Поръчки", "Срок за подаване"),
        "tender": ("h2", "Оферти", "Правила за проверка"),
        "bid": ("h2", "Последна проверка", "История на проверките"),
        "screening": ("h2", "Констатации", "За тази проверка"),
    },
}


@pytest.mark.parametrize("language", ["cs", "bg"])
def test_an_officer_works_in_czech_or_bulgarian(live_server, page, tmp_path, language):
    call_command("demo_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115 - discarded output
    tender = Tender.objects.get(reference="5G-RAN-2026/01")
    demo = tender.created_by or tender.organisation.memberships.get(user__username="demo").user
    bid = BidFactory(tender=tender, bidder_name="Baltic Mobile Integrators Ltd")
    screen(start(upload(BOMS / "chain_hidden.xlsx"), user=demo, subject=bid, bidder=bid.bidder_name))
    base = live_server.url
    shots = []

    def check(name: str) -> None:
        level, heading, text = PAGES[language][name]
        path = tmp_path / f"{language}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(str(path))
        where = f"{name} page in {language} (screenshot {path})"
        assert page.locator("html").get_attribute("lang") == language, where
        assert page.locator(level, has_text=heading).first.is_visible(), f"no {level} {heading!r} on the {where}"
        assert page.get_by_text(text).first.is_visible(), f"no {text!r} on the {where}"

    # Log in, in English, and choose the language in the header
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.locator("#language-switcher").select_option(language)
    page.get_by_role("button", name="Change language").click()
    page.wait_for_url(f"{base}/")
    check("tenders")

    page.get_by_role("link", name="5G-RAN-2026/01").click()
    page.wait_for_url(f"{base}/tenders/{tender.pk}/")
    check("tender")

    page.get_by_role("link", name="Baltic Mobile Integrators Ltd").click()
    page.wait_for_url(f"{base}/bids/{bid.pk}/")
    check("bid")

    page.locator("a.button", has_text={"cs": "Nálezy a posouzení", "bg": "Констатации и преглед"}[language]).click()
    page.wait_for_url(f"{base}/screening/**")
    check("screening")

    assert UserPreference.objects.get(user=demo).language == language, f"screenshots: {shots}"
