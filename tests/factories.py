"""Factories for the buying side: organisations, their people (with a role), tenders, lots and bids."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from procurement.choices import Role, TenderStatus
from procurement.models import Bid, Lot, Membership, Organisation, Tender
from screening.choices import NetworkDomain

PASSWORD = "correct-horse-battery-5g"  # noqa: S105 - test users only


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Buying Agency {n}")
    country = "CZ"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("tests.factories.UserFactory", role=None)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.OFFICER


class UserFactory(DjangoModelFactory):
    """A user in an organisation with a role: UserFactory(role=Role.REVIEWER, organisation=org); role=None: none."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        role = Role.OFFICER
        organisation = factory.SubFactory(OrganisationFactory)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    membership = factory.Maybe(
        "role",
        yes_declaration=factory.RelatedFactory(
            MembershipFactory,
            factory_related_name="user",
            organisation=factory.SelfAttribute("..organisation"),
            role=factory.SelfAttribute("..role"),
        ),
        no_declaration=None,
    )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()  # the hashed password


class TenderFactory(DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"5G-T-{n:04d}")
    title = factory.Sequence(lambda n: f"5G network tender {n}")
    status = TenderStatus.OPEN
    review_threshold = 0.88


class LotFactory(DjangoModelFactory):
    class Meta:
        model = Lot

    tender = factory.SubFactory(TenderFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lot {n + 1}")
    domain = NetworkDomain.RAN


class BidFactory(DjangoModelFactory):
    class Meta:
        model = Bid
        skip_postgeneration_save = True

    tender = factory.SubFactory(TenderFactory)
    bidder_name = factory.Sequence(lambda n: f"Bidder {n} Ltd")
    bidder_country = "DE"
    bidder_registration = factory.Sequence(lambda n: f"HRB {10000 + n}")

    @factory.post_generation
    def lots(bid, create, extracted, **kwargs):
        if create and extracted:
            bid.lots.set(extracted)
