"""Who sees and does what: another organisation's objects are not found through any URL; a missing role is
forbidden; anonymous users are sent to log in; every form needs its CSRF token."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from screening.models import StandingException
from screening.services.reviews import finding_decide
from tests.screening.helpers import upload
from tests.screening.scenarios import BOMS, private_list, screen, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_b(screening_b, reviewer_b, admin_b, officer_b):
    """Everything organisation B has: screenings, an exception, a private list with two versions."""
    second = screen(start(upload(BOMS / "clean.xlsx"), user=officer_b, subject=screening_b.subject))
    finding = screening_b.findings.filter(entity__isnull=False).first()
    finding_decide(findings=[finding], decision="dismissed", reason="B's reason", user=reviewer_b,
                   save_exception=True)
    v1 = private_list(admin_b, name="Agency B private list")
    v2 = private_list(admin_b, name="Agency B private list",
                      text="name,aliases\nAcme Shadow Networks Ltd,ASN\nSecret Vendor of B,\n")
    return {
        "screening": screening_b,
        "other": second,
        "finding": finding,
        "exception": StandingException.objects.get(scope=screening_b.scope),
        "versions": (v1, v2),
        "entity": v2.entities.get(name="Secret Vendor of B"),
    }


def b_urls(world) -> dict[str, tuple[str, str]]:
    """Every URL name of the plugin with B's objects: (method, url)."""
    s, other = world["screening"].pk, world["other"].pk
    v1, v2 = world["versions"]
    return {
        "detail": ("get", reverse("screening:detail", args=[s])),
        "progress": ("get", reverse("screening:progress", args=[s])),
        "cancel": ("post", reverse("screening:cancel", args=[s])),
        "rescreen": ("post", reverse("screening:rescreen", args=[s])),
        "compare": ("get", reverse("screening:compare", args=[other, s])),
        "decide": ("post", reverse("screening:decide", args=[s])),
        "audit": ("get", reverse("screening:audit", args=[s])),
        "report_xlsx": ("get", reverse("screening:report_xlsx", args=[s])),
        "report_html": ("get", reverse("screening:report_html", args=[s])),
        "exception_revoke": ("post", reverse("screening:exception_revoke", args=[world["exception"].pk])),
        "list_detail": ("get", reverse("screening:list_detail", args=[v1.supplier_list_id])),
        "version_detail": ("get", reverse("screening:version_detail", args=[v2.pk])),
        "version_compare": ("get", reverse("screening:version_compare", args=[v2.pk, v1.pk])),
        "entity_detail": ("get", reverse("screening:entity_detail", args=[world["entity"].pk])),
        "list_import": ("get", reverse("screening:list_import") + f"?list={v1.supplier_list_id}"),
    }


# Pages without an object id: they must simply not show B's objects.
LISTING_URLS = ("exception_list", "list_index", "entity_search")


def test_every_url_name_is_covered_here(world_b):
    names = {p.name for p in get_resolver("screening.urls").url_patterns}
    assert names == set(b_urls(world_b)) | set(LISTING_URLS)


@pytest.mark.parametrize("role", ["officer", "reviewer", "admin"])
def test_a_user_of_organisation_a_finds_nothing_of_organisation_b(client_as, world_b, role, request):
    user = request.getfixturevalue(f"{role}_a")
    client = client_as(user)

    for name, (method, url) in b_urls(world_b).items():
        data = {"findings": [world_b["finding"].pk], "decision": "confirmed", "reason": "mine now"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, f"{name} answered {response.status_code} to {role} of A"
    csv = client.get(reverse("screening:audit", args=[world_b["screening"].pk]), {"format": "csv"})
    assert csv.status_code == 404

    world_b["finding"].refresh_from_db()
    assert world_b["finding"].decision == "dismissed" and world_b["finding"].decision_reason == "B's reason"
    assert world_b["exception"].revoked_at is None
    assert world_b["screening"].rescreens.count() == 0


def test_listing_pages_show_public_lists_to_both_and_private_ones_only_to_their_owner(
    client_as, world_b, officer_a, officer_b
):
    client = client_as(officer_a)
    lists_a = client.get(reverse("screening:list_index")).content.decode()
    exceptions_a = client.get(reverse("screening:exception_list")).content.decode()
    search_a = client.get(reverse("screening:entity_search"), {"q": "Secret Vendor"}).content.decode()
    search_public_a = client.get(reverse("screening:entity_search"), {"q": "HiSilicon"}).content.decode()

    assert "High-risk vendors (sample)" in lists_a and "Trusted network vendors (sample)" in lists_a
    assert "Agency B private list" not in lists_a
    assert "B&#x27;s reason" not in exceptions_a and "No standing exceptions" in exceptions_a
    assert "Secret Vendor of B" not in search_a
    assert "HiSilicon Technologies Co., Ltd." in search_public_a

    client = client_as(officer_b)
    assert "Agency B private list" in client.get(reverse("screening:list_index")).content.decode()
    assert "B&#x27;s reason" in client.get(reverse("screening:exception_list")).content.decode()
    assert "Secret Vendor of B" in client.get(
        reverse("screening:entity_search"), {"q": "Secret Vendor"}).content.decode()
    public = world_b["screening"].list_versions.first()
    for user in (officer_a, officer_b):
        assert client_as(user).get(reverse("screening:version_detail", args=[public.pk])).status_code == 200


def test_comparing_own_with_foreign_screening_is_not_found(client_as, officer_a, screening_a, world_b):
    client = client_as(officer_a)
    b = world_b["screening"].pk

    assert client.get(reverse("screening:compare", args=[screening_a.pk, b])).status_code == 404
    assert client.get(reverse("screening:compare", args=[b, screening_a.pk])).status_code == 404


def test_an_officer_may_not_decide_or_revoke(client_as, officer_a, reviewer_a, screening_a):
    finding = screening_a.findings.first()
    finding_decide(findings=[finding], decision="dismissed", reason="ok", user=reviewer_a, save_exception=True)
    exception = StandingException.objects.get()
    client = client_as(officer_a)

    decide = client.post(reverse("screening:decide", args=[screening_a.pk]),
                         {"findings": [finding.pk], "decision": "confirmed", "reason": "officer"})
    revoke = client.post(reverse("screening:exception_revoke", args=[exception.pk]), {"reason": "officer"})

    assert decide.status_code == 403 and revoke.status_code == 403
    finding.refresh_from_db()
    exception.refresh_from_db()
    assert finding.decision == "dismissed" and exception.revoked_at is None
    page = client.get(reverse("screening:detail", args=[screening_a.pk])).content.decode()
    assert "bulk-decide" not in page and 'name="findings"' not in page


def test_a_reviewer_may_not_cancel_rescreen_or_import(client_as, reviewer_a, screening_a):
    client = client_as(reviewer_a)

    assert client.post(reverse("screening:rescreen", args=[screening_a.pk])).status_code == 403
    assert client.post(reverse("screening:cancel", args=[screening_a.pk])).status_code == 403
    assert client.get(reverse("screening:list_import")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, screening_a):
    for url in (reverse("screening:detail", args=[screening_a.pk]), reverse("screening:list_index")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_a_user_without_an_organisation_sees_no_screening_but_the_public_lists(client_as, screening_a, db):
    from tests.factories import UserFactory

    loner = UserFactory(role=None)
    client = client_as(loner)

    assert client.get(reverse("screening:detail", args=[screening_a.pk])).status_code == 404
    assert client.get(reverse("screening:exception_list")).status_code == 404
    assert "High-risk vendors (sample)" in client.get(reverse("screening:list_index")).content.decode()


def test_posts_need_the_csrf_token(reviewer_a, screening_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer_a)
    finding = screening_a.findings.first()
    data = {"findings": [finding.pk], "decision": "dismissed", "reason": "made in a test"}
    url = reverse("screening:decide", args=[screening_a.pk])

    refused = client.post(url, data)
    page = client.get(reverse("screening:detail", args=[screening_a.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    finding.refresh_from_db()
    assert finding.decision == "dismissed"


def test_every_form_of_the_pages_carries_a_csrf_token(client_as, reviewer_a, admin_a, screening_a):
    client = client_as(reviewer_a)
    pages = [reverse("screening:detail", args=[screening_a.pk]), reverse("screening:exception_list")]
    for url in pages:
        html = client.get(url).content.decode()
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S):
            assert "csrfmiddlewaretoken" in form, form[:200]
    html = client_as(admin_a).get(reverse("screening:list_import")).content.decode()
    assert "csrfmiddlewaretoken" in html
