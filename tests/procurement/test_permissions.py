"""Who may see and do what: another organisation's objects answer 404 through every URL; reviewers read only;
anonymous visitors go to the login page; a user with no organisation is told whom to ask."""

from __future__ import annotations

import pytest
from django.urls import reverse

from procurement.choices import Role
from procurement.models import Bid, BidDocument, BulkUpload, Tender
from procurement.urls import procurement_patterns
from screening.models import Screening
from tests.factories import LotFactory, TenderFactory, UserFactory
from tests.procurement.conftest import bulk_upload_for, client_for

pytestmark = pytest.mark.django_db

# Every URL of the buying side that names an object, with the object it names and the methods it answers.
OBJECT_URLS = {
    "procurement:tender_detail": ("tender", "pk", ["get"]),
    "procurement:tender_update": ("tender", "pk", ["get", "post"]),
    "procurement:tender_rescreen": ("tender", "pk", ["post"]),
    "procurement:tender_report": ("tender", "pk", ["get"]),
    "procurement:tender_report_xlsx": ("tender", "pk", ["get"]),
    "procurement:tender_audit_csv": ("tender", "pk", ["get"]),
    "procurement:tender_ocds": ("tender", "pk", ["get"]),
    "procurement:bid_create": ("tender", "tender_pk", ["get", "post"]),
    "procurement:bid_detail": ("bid", "pk", ["get"]),
    "procurement:bid_rescreen": ("bid", "pk", ["post"]),
    "procurement:document_download": ("document", "pk", ["get"]),
    "procurement:api_token_create": ("api_client", "pk", ["post"]),
    "procurement:api_token_revoke": ("api_token", "pk", ["post"]),
    "procurement:bulk_upload_create": ("tender", "tender_pk", ["get", "post"]),
    "procurement:bulk_upload_detail": ("bulk_upload", "pk", ["get"]),
    "procurement:bulk_upload_progress": ("bulk_upload", "pk", ["get"]),
}
PLAIN_URLS = [
    "procurement:tender_list", "procurement:tender_create", "procurement:members", "procurement:notifications",
]
# POST-only URLs that name no object: each acts on the user's own things only (tested with the feature).
PLAIN_POST_URLS = ["procurement:notifications_read", "procurement:api_client_create"]
# Public on purpose: the OCDS extension every export points to (tests/procurement/test_ocds.py).
PUBLIC_URLS = ["procurement:ocds_extension"]


def object_urls(objects):
    for name, (kind, kwarg, methods) in OBJECT_URLS.items():
        if objects[kind] is None:
            continue
        for method in methods:
            yield name, reverse(name, kwargs={kwarg: objects[kind].pk}), method


def test_the_table_covers_every_url_of_the_buying_side():
    names = {f"procurement:{pattern.name}" for pattern in procurement_patterns}

    assert names == set(OBJECT_URLS) | set(PLAIN_URLS) | set(PLAIN_POST_URLS) | set(PUBLIC_URLS)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.REVIEWER, Role.ADMIN])
def test_another_organisations_objects_are_not_found_through_any_url(client, org_a, b_objects, role):
    user = UserFactory(organisation=org_a, role=role)
    client_for(client, user)
    tender = b_objects["tender"]
    before = (
        Tender.objects.get(pk=tender.pk).title,
        Bid.objects.count(),
        BidDocument.objects.count(),
        Screening.objects.count(),
        BulkUpload.objects.count(),
    )

    for name, url, method in object_urls(b_objects):
        data = {"reference": "STOLEN", "title": "Changed", "bidder_name": "Intruder"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, f"{method.upper()} {name} answered {response.status_code}"

    after = (
        Tender.objects.get(pk=tender.pk).title,
        Bid.objects.count(),
        BidDocument.objects.count(),
        Screening.objects.count(),
        BulkUpload.objects.count(),
    )
    assert after == before, "nothing of organisation B changed"


def test_every_page_of_the_organisation_renders_for_an_officer(officer_client, org_a):
    from tests.factories import BidFactory
    from tests.procurement.conftest import document_for, screening_for

    tender = TenderFactory(organisation=org_a)
    LotFactory(tender=tender)
    bid = BidFactory(tender=tender)
    document = document_for(bid)
    screening_for(bid)
    objects = {"tender": tender, "bid": bid, "document": document, "bulk_upload": bulk_upload_for(tender),
               "api_client": None, "api_token": None}
    objects_with_pages = {name for name, (kind, _, _) in OBJECT_URLS.items() if objects[kind] is not None}

    for name, url, method in object_urls(objects):
        if method == "get" and name in objects_with_pages:
            assert officer_client.get(url).status_code == 200, name
    for name in PLAIN_URLS[:2]:
        assert officer_client.get(reverse(name)).status_code == 200, name


def test_a_missing_object_gets_the_sites_not_found_page(officer_client, b_objects):
    response = officer_client.get(reverse("procurement:tender_detail", args=[b_objects["tender"].pk]))

    assert response.status_code == 404
    assert "may belong to another organisation" in response.content.decode()


def test_another_organisations_tenders_are_not_listed(officer_client, b_objects):
    response = officer_client.get(reverse("procurement:tender_list"))

    assert response.status_code == 200
    assert b_objects["tender"].reference not in response.content.decode()


def test_another_organisations_screening_is_not_found_in_the_plugin_pages(officer_client, b_objects):
    # The plugin asks this site's access policy (procurement.access.OrganisationAccess) for the user's scope.
    screening = b_objects["screening"]
    for name in ("screening:detail", "screening:progress"):
        response = officer_client.get(reverse(name, args=[screening.pk]))
        assert response.status_code == 404, name


def test_another_organisations_lists_are_not_offered_for_a_tender(officer_client, org_b, sample_lists):
    from screening.models import SupplierList

    private = SupplierList.objects.create(name="B's own blocklist", kind="restricted", scope=f"org:{org_b.pk}")
    private.versions.create(number=1)

    response = officer_client.get(reverse("procurement:tender_create"))

    assert "High-risk vendors (sample)" in response.content.decode()
    assert "B&#x27;s own blocklist" not in response.content.decode()
    assert "own blocklist" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("procurement:tender_create", "get"),
        ("procurement:tender_create", "post"),
        ("procurement:tender_update", "get"),
        ("procurement:tender_update", "post"),
        ("procurement:tender_rescreen", "post"),
        ("procurement:bid_create", "get"),
        ("procurement:bid_create", "post"),
        ("procurement:bid_rescreen", "post"),
        ("procurement:bulk_upload_create", "get"),
        ("procurement:bulk_upload_create", "post"),
    ],
)
def test_a_reviewer_cannot_create_or_change_tenders_or_upload_bids(client, reviewer, org_a, name, method):
    tender = TenderFactory(organisation=org_a)
    LotFactory(tender=tender)
    from tests.factories import BidFactory

    bid = BidFactory(tender=tender)
    kwargs = {}
    if name != "procurement:tender_create":
        kind, kwarg, _methods = OBJECT_URLS[name]
        kwargs = {kwarg: {"tender": tender, "bid": bid}[kind].pk}
    client_for(client, reviewer)

    response = getattr(client, method)(reverse(name, kwargs=kwargs), {"reference": "X", "bidder_name": "X"})

    assert response.status_code == 403
    assert "officers and organisation admins" in response.content.decode()
    assert Tender.objects.count() == 1 and Bid.objects.count() == 1


def test_a_reviewer_reads_the_organisations_tenders_bids_and_files(client, reviewer, org_a):
    from tests.procurement.conftest import document_for, screening_for

    tender = TenderFactory(organisation=org_a)
    from tests.factories import BidFactory

    bid = BidFactory(tender=tender)
    document = document_for(bid)
    screening_for(bid)
    client_for(client, reviewer)
    objects = {"tender": tender, "bid": bid, "document": document, "bulk_upload": bulk_upload_for(tender),
               "api_client": None, "api_token": None}

    for name, url, method in object_urls(objects):
        if method != "get" or name in (
            "procurement:tender_update", "procurement:bid_create", "procurement:bulk_upload_create"
        ):
            continue
        assert client.get(url).status_code == 200, name
    page = client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()
    assert "Upload a bid" not in page and "Upload many bids" not in page and "Re-screen all bids" not in page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.REVIEWER])
def test_only_an_organisation_admin_sees_the_people_page(client, org_a, role):
    client_for(client, UserFactory(organisation=org_a, role=role))

    assert client.get(reverse("procurement:members")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_url(client, b_objects):
    urls = [(name, reverse(name), "get") for name in PLAIN_URLS] + list(object_urls(b_objects))
    urls += [(name, reverse(name), "post") for name in PLAIN_POST_URLS]

    for name, url, method in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login") + "?next="), name


def test_a_user_without_an_organisation_is_told_to_ask_an_administrator(client, b_objects):
    client_for(client, UserFactory(role=None))

    for name, url, method in [(name, reverse(name), "get") for name in PLAIN_URLS] + list(object_urls(b_objects)):
        response = getattr(client, method)(url)
        assert response.status_code == 403, name
        assert "Ask an administrator" in response.content.decode(), name


def test_post_only_actions_refuse_get(officer_client, org_a):
    tender = TenderFactory(organisation=org_a)

    assert officer_client.get(reverse("procurement:tender_rescreen", args=[tender.pk])).status_code == 405
