"""Lists that stay current: a list import re-screens exactly the open bids it can change and tells their officers;
the daily task re-screens open tenders only; decisions carry over; the bid page shows its verdict history."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.choices import Role, TenderStatus
from procurement.models import Notification
from procurement.selectors import bid_latest_screening, bid_screenings
from procurement.services import bid_create, list_import_rescreen, open_tenders_rescreen, rescreen_notify
from procurement.tasks import rescreen_after_list_import
from screening.choices import Decision, NetworkDomain, ScreeningTrigger
from screening.models import ListImportImpact, Screening
from screening.services.lists import supplier_list_import
from screening.services.reviews import finding_decide
from tests.factories import LotFactory, TenderFactory, UserFactory
from tests.screening.scenarios import screen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_list_caches")]

HEADER = "name,aliases,country,parent,relation,divested,reason,source\n"
V1 = HEADER + (
    "Redline Telecom Group,,CN,,,,Listed group,memo 1\n"
    "Redline Radio Co,,CN,Redline Telecom Group,subsidiary_of,yes,Former subsidiary,memo 1\n"
    "Obsolete Cables Ltd,,CN,,,,Listed,memo 1\n"
)
# v2: a subsidiary found since, and a company taken off the list.
V2 = HEADER + (
    "Redline Telecom Group,,CN,,,,Listed group,memo 1\n"
    "Redline Radio Co,,CN,Redline Telecom Group,subsidiary_of,yes,Former subsidiary,memo 1\n"
    "Crimson Antenna Works Ltd,Crimson Antennas,CN,Redline Telecom Group,subsidiary_of,,Subsidiary found 2026,memo 2\n"
)


def import_list(text: str, filename: str):
    return supplier_list_import(fileobj=io.BytesIO(text.encode()), filename=filename, name="Watch list",
                                kind="restricted")


def bom(*makers: str) -> SimpleUploadedFile:
    lines = ["Line,Part Number,Manufacturer,Qty"] + [f"{i},PN-{i},{maker},2" for i, maker in enumerate(makers, 1)]
    return SimpleUploadedFile("bom.csv", ("\n".join(lines) + "\n").encode())


def open_tender(org, watch, *, status=TenderStatus.OPEN, reference=None):
    tender = TenderFactory(organisation=org, status=status, **({"reference": reference} if reference else {}))
    tender.restricted_lists.set([watch.supplier_list])
    LotFactory(tender=tender, number=1, title="RAN", domain=NetworkDomain.RAN)
    return tender


def screened_bid(tender, user, name: str, *makers: str):
    bid = bid_create(tender=tender, user=user, bidder_name=name, lots=list(tender.lots.all()), boms=[bom(*makers)])
    screen(bid_latest_screening(bid))
    return bid


@pytest.fixture
def world(org_a, officer, org_admin, reviewer):
    """Two open tenders and an awarded one of agency A, against the watch list v1, with screened bids."""
    watch = import_list(V1, "watch-v1.csv")
    tender = open_tender(org_a, watch, reference="5G-RAN-01")
    other = open_tender(org_a, watch, status=TenderStatus.EVALUATION, reference="5G-CORE-02")
    awarded = open_tender(org_a, watch, status=TenderStatus.AWARDED, reference="5G-OLD-03")
    bids = {
        # a former Redline subsidiary (review), and Crimson, not yet listed
        "target": screened_bid(tender, officer, "Aurora Networks", "Redline Radio Co", "Crimson Antenna Works",
                               "Nokia"),
        "clean": screened_bid(tender, officer, "Boreal Telecom", "Nokia", "Ericsson AB"),
        "redline": screened_bid(other, officer, "Cobalt Systems", "Redline Radio Co", "Ericsson AB"),
        "obsolete": screened_bid(other, officer, "Delta Wireless", "Obsolete Cables", "Nokia"),
        "closed": screened_bid(awarded, officer, "Echo Radio", "Crimson Antenna Works"),
    }
    return {"watch": watch, "tender": tender, "other": other, "awarded": awarded, "bids": bids}


def latest(bid) -> Screening:
    return bid_latest_screening(bid)


def finish_rescreens(impact: ListImportImpact) -> list[Screening]:
    """Run the re-screens the import started, in this process, and what their "finished" signal queues."""
    done = []
    for entry in impact.details:
        screening = screen(Screening.objects.get(pk=entry["new_screening"]))
        rescreen_notify(screening_id=screening.pk)
        done.append(screening)
    return done


def test_an_added_subsidiary_rescreens_exactly_the_bid_that_names_it_and_tells_its_officers(
    world, officer, org_admin, reviewer, django_capture_on_commit_callbacks
):
    bids = world["bids"]
    before = {name: latest(bid) for name, bid in bids.items()}
    assert before["target"].verdict == "review" and before["closed"].verdict == "pass"

    v2 = import_list(V2, "watch-v2.csv")
    impact = list_import_rescreen(version=v2)
    finish_rescreens(impact)

    assert {entry["bid"] for entry in impact.details} == {bids["target"].pk, bids["obsolete"].pk}
    assert latest(bids["clean"]) == before["clean"] and latest(bids["redline"]) == before["redline"]
    assert latest(bids["closed"]) == before["closed"], "an awarded tender is not re-screened"
    new = latest(bids["target"])
    assert new.previous == before["target"] and new.trigger == ScreeningTrigger.LIST_IMPORT
    assert new.verdict == "fail"
    assert new.reason == ("list Watch list v2 imported: new entity Crimson Antenna Works Ltd matches "
                          "'Crimson Antenna Works' in the BOM")
    assert new.created_by is None, "re-screened by the system"
    assert new.findings.filter(entity__name="Crimson Antenna Works Ltd", entity__version=v2).exists()

    notes = Notification.objects.filter(bid=bids["target"])
    assert {n.user for n in notes} == {officer, org_admin}, "officers and admins, not reviewers"
    assert all("changed verdict review → fail" in n.message and "Crimson Antenna Works Ltd" in n.message
               for n in notes)
    target_mail = [m for m in mail.outbox if "Aurora Networks" in m.subject]
    assert sorted(m.to[0] for m in target_mail) == sorted([officer.email, org_admin.email])
    body = target_mail[0].body
    assert "review → fail" in target_mail[0].subject
    assert "new entity Crimson Antenna Works Ltd matches 'Crimson Antenna Works' in the BOM" in body
    assert "'Crimson Antenna Works' (bom.csv, row 3, column Manufacturer) -> Crimson Antenna Works Ltd " \
           "(Watch list v2)" in body
    assert f"/bids/{bids['target'].pk}/" in body


def test_a_removed_entity_that_produced_a_finding_triggers_a_rescreen(world):
    obsolete = world["bids"]["obsolete"]
    assert latest(obsolete).verdict == "fail"

    impact = list_import_rescreen(version=import_list(V2, "watch-v2.csv"))
    finish_rescreens(impact)

    new = latest(obsolete)
    assert new.trigger == ScreeningTrigger.LIST_IMPORT and new.verdict == "pass"
    assert new.reason == ("list Watch list v2 imported: removed entity Obsolete Cables Ltd produced a finding on "
                          "'Obsolete Cables' (bom.csv, row 2)")
    assert "pass" in Notification.objects.filter(bid=obsolete).first().message


def test_the_count_of_bids_touched_is_recorded_once_per_import(world, django_capture_on_commit_callbacks):
    v2 = import_list(V2, "watch-v2.csv")

    impact = list_import_rescreen(version=v2)
    again = list_import_rescreen(version=v2)  # the signal or the task delivered twice

    impact.refresh_from_db()
    assert impact.screenings_checked == 4, "the four bids of the two open tenders"
    assert impact.screenings_affected == impact.screenings_rescreened == 2
    assert impact.finished_at is not None and again.pk == impact.pk
    assert Screening.objects.filter(trigger=ScreeningTrigger.LIST_IMPORT).count() == 2


def test_the_import_signal_queues_the_task_only_when_an_open_tender_uses_the_list(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(rescreen_after_list_import, "delay", lambda version_id: queued.append(version_id))
    with django_capture_on_commit_callbacks(execute=True):
        v2 = import_list(V2, "watch-v2.csv")
    with django_capture_on_commit_callbacks(execute=True):  # a list no open tender uses
        supplier_list_import(fileobj=io.BytesIO(V1.encode()), filename="x.csv", name="Unused list", kind="restricted")

    assert queued == [v2.pk]


def test_notifications_are_made_once_per_rescreen_even_if_told_twice(world, officer, org_admin):
    impact = list_import_rescreen(version=import_list(V2, "watch-v2.csv"))
    screening = screen(Screening.objects.get(pk=impact.details[0]["new_screening"]))

    rescreen_notify(screening_id=screening.pk)
    outbox = len(mail.outbox)
    rescreen_notify(screening_id=screening.pk)

    assert Notification.objects.filter(screening=screening).count() == 2
    assert len(mail.outbox) == outbox == 2


def test_the_daily_task_rescreens_open_tenders_only(world, org_a, officer):
    draft = open_tender(org_a, world["watch"], status=TenderStatus.DRAFT, reference="5G-DRAFT-04")
    cancelled = open_tender(org_a, world["watch"], status=TenderStatus.CANCELLED, reference="5G-GONE-05")
    draft_bid = screened_bid(draft, officer, "Foxtrot Ltd", "Nokia")
    cancelled_bid = screened_bid(cancelled, officer, "Golf Ltd", "Nokia")
    bids = world["bids"]
    untouched = {b.pk: latest(b).pk for b in (bids["closed"], draft_bid, cancelled_bid)}

    results = open_tenders_rescreen()

    started = [s for result in results for s in result.started]
    assert sorted(s.subject.pk for s in started) == sorted(
        bids[name].pk for name in ("target", "clean", "redline", "obsolete")
    )
    assert all(s.trigger == ScreeningTrigger.SCHEDULED and "daily" in s.reason for s in started)
    assert {b.pk: latest(b).pk for b in (bids["closed"], draft_bid, cancelled_bid)} == untouched
    # a daily re-screen that changes no verdict tells nobody
    for screening in started:
        rescreen_notify(screening_id=screen(screening).pk)
    assert not Notification.objects.exists() and not mail.outbox


def test_review_decisions_and_standing_exceptions_carry_over_through_the_targeted_rescreen(world, reviewer):
    target = world["bids"]["target"]
    radio = latest(target).findings.get(party="Redline Radio Co")
    finding_decide(findings=[radio], decision=Decision.DISMISSED, reason="Divested in 2019; confirmed by legal.",
                   user=reviewer)

    impact = list_import_rescreen(version=import_list(V2, "watch-v2.csv"))
    finish_rescreens(impact)

    new = latest(target)
    carried = new.findings.get(party="Redline Radio Co")
    assert carried.decision == Decision.DISMISSED and carried.carried_from == radio
    assert carried.decision_reason == "Divested in 2019; confirmed by legal."
    assert new.findings.get(party="Crimson Antenna Works").decision == Decision.OPEN


def test_the_bid_page_shows_its_verdict_history_with_the_reason(world, client, officer):
    target = world["bids"]["target"]
    first = latest(target)
    finish_rescreens(list_import_rescreen(version=import_list(V2, "watch-v2.csv")))
    second = latest(target)
    client.force_login(officer)

    html = client.get(reverse("procurement:bid_detail", args=[target.pk])).content.decode()

    history = html[html.index('id="history-heading"'):html.index('id="audit-heading"')]
    assert history.index(f"#{second.pk}") < history.index(f"#{first.pk}"), "newest first"
    assert "List import" in history and "new entity Crimson Antenna Works Ltd matches" in history
    assert "Watch list v2" in history and "Watch list v1" in history
    assert "review → fail" in history
    assert reverse("screening:detail", args=[second.pk]) in history


def test_unread_notifications_show_in_the_header_and_can_be_marked_read(world, client, officer, org_admin):
    finish_rescreens(list_import_rescreen(version=import_list(V2, "watch-v2.csv")))
    client.force_login(officer)

    page = client.get(reverse("procurement:tender_list")).content.decode()
    assert "Notifications (2)" in page
    listing = client.get(reverse("procurement:notifications")).content.decode()
    assert "Aurora Networks changed verdict review → fail" in listing
    assert "Delta Wireless changed verdict fail → pass" in listing

    note = Notification.objects.filter(user=officer).first()
    response = client.post(reverse("procurement:notifications_read"), {"notification": note.pk})
    assert response.status_code == 302
    assert "Notifications (1)" in client.get(reverse("procurement:tender_list")).content.decode()
    client.post(reverse("procurement:notifications_read"))
    assert "Notifications (" not in client.get(reverse("procurement:tender_list")).content.decode()

    # another person's notification cannot be marked read
    theirs = Notification.objects.filter(user=org_admin).first()
    client.post(reverse("procurement:notifications_read"), {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_people_of_another_organisation_are_not_told(world, org_b):
    stranger = UserFactory(organisation=org_b, role=Role.OFFICER)
    finish_rescreens(list_import_rescreen(version=import_list(V2, "watch-v2.csv")))

    assert not Notification.objects.filter(user=stranger).exists()
    assert all(stranger.email not in m.to for m in mail.outbox)
    assert bid_screenings(world["bids"]["target"]).count() == 2
