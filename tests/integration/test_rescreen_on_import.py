"""With a real worker on the real broker: a list import re-screens the one open bid it affects, and the tender's
officers get a notification and an email, with nothing run in the test process but the upload and the import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.choices import Role
from procurement.models import Notification
from procurement.selectors import bid_latest_screening, bid_screenings
from procurement.services import bid_create
from screening.choices import NetworkDomain, ScreeningStatus, ScreeningTrigger
from screening.models import ListImportImpact
from screening.services.lists import supplier_list_import
from tests.conftest import wait_for
from tests.factories import LotFactory, OrganisationFactory, TenderFactory, UserFactory
from tests.procurement.test_rescreen_on_import import V1, V2

pytestmark = [
    pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_list_caches"),
]


def import_list(text: str, filename: str):
    return supplier_list_import(fileobj=io.BytesIO(text.encode()), filename=filename, name="Watch list (worker)",
                                kind="restricted")


def done(bid):
    screening = bid_latest_screening(bid)
    return screening if screening is not None and screening.is_finished else None


def test_an_import_rescreens_the_affected_bid_and_notifies_its_officers_through_the_worker(celery_worker):
    organisation = OrganisationFactory(name="Agency W")
    officer = UserFactory(organisation=organisation, role=Role.OFFICER, email="officer.w@example.org")
    watch = import_list(V1, "watch-v1.csv")
    tender = TenderFactory(organisation=organisation, reference="5G-W-01")
    tender.restricted_lists.set([watch.supplier_list])
    lot = LotFactory(tender=tender, number=1, domain=NetworkDomain.RAN)
    bids = [
        bid_create(tender=tender, user=officer, bidder_name=name, lots=[lot],
                   boms=[SimpleUploadedFile("bom.csv", f"Line,Manufacturer\n1,{maker}\n2,Nokia\n".encode())])
        for name, maker in (("Aurora Networks", "Crimson Antenna Works"), ("Boreal Telecom", "Ericsson AB"))
    ]
    first = [wait_for(lambda b=bid: done(b), timeout=90, message=f"first screening\n{celery_worker.output()[-2000:]}")
             for bid in bids]
    assert [s.verdict for s in first] == ["pass", "pass"]

    v2 = import_list(V2, "watch-v2.csv")  # the signal queues the re-screen once committed

    impact = wait_for(lambda: ListImportImpact.objects.filter(version=v2, finished_at__isnull=False).first(),
                      timeout=90, message=f"the import's re-screen\n{celery_worker.output()[-3000:]}")
    assert (impact.screenings_checked, impact.screenings_rescreened) == (2, 1)
    rescreened = wait_for(lambda: done(bids[0]) if done(bids[0]) != first[0] else None, timeout=90,
                          message="the re-screen to finish")
    assert rescreened.status == ScreeningStatus.DONE and rescreened.verdict == "fail"
    assert rescreened.trigger == ScreeningTrigger.LIST_IMPORT and "Crimson Antenna Works Ltd" in rescreened.reason
    assert bid_screenings(bids[1]).count() == 1, "the other bid is not re-screened"

    note = wait_for(lambda: Notification.objects.filter(user=officer, screening=rescreened).first(), timeout=60,
                    message=f"the notification\n{celery_worker.output()[-3000:]}")
    assert "changed verdict pass → fail" in note.message
    mails = wait_for(lambda: "Aurora Networks" in celery_worker.mails() and celery_worker.mails(), timeout=30,
                     message="the email")
    assert "To: officer.w@example.org" in mails and "Crimson Antenna Works Ltd (Watch list (worker) v2)" in mails
