from __future__ import annotations

import datetime as dt

import factory

from tide.areas.models import Agency, Area, Partnership, Role, Sector, User
from tide.people.models import Person
from tide.service_use.models import ServiceEvent

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only
# Every factory user has this authenticator secret, so tests and browser helpers can make codes.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - test-only


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    name = "Tideford"
    code = "tideford"
    partnership = factory.RelatedFactory("tide.testing.factories.PartnershipFactory", factory_related_name="area")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    area = factory.SubFactory(AreaFactory)
    name = factory.LazyAttribute(lambda o: f"{o.area.name} partnership")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("area", "code")

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"agency-{n}")
    sector = Sector.VOLUNTARY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    agency = factory.SubFactory(AgencyFactory, area=factory.SelfAttribute("..area"))
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = Role.COORDINATOR
    totp_secret = TEST_TOTP_SECRET
    totp_confirmed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    area = factory.SubFactory(AreaFactory)
    given_name = "Alex"
    family_name = factory.Sequence(lambda n: f"Synthetic{n}")
    date_of_birth = dt.date(1985, 3, 27)
    sex = "U"


class ServiceEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceEvent

    person = factory.SubFactory(PersonFactory)
    event_type = "arrest"
    occurred_on = dt.date(2026, 1, 15)
    agency = factory.SubFactory(AgencyFactory, area=factory.SelfAttribute("..person.area"))
    event_id = factory.Sequence(lambda n: f"REF{n}")


NDT_DOUBLED = ("risk_to_others", "risk_from_others")


def ndt_items_for_total(total: int) -> dict[str, int]:
    """Ten NDT item ratings (risk items double-weighted) that add up to ``total`` (0-48)."""
    from tide.identification.models import NDT_ITEMS

    if not 0 <= total <= 48:
        raise ValueError("an NDT total runs from 0 to 48")
    items = dict.fromkeys(NDT_ITEMS, 0)
    remaining = total
    for item in NDT_ITEMS:  # fill each item in turn up to its maximum
        step, top = (2, 8) if item in NDT_DOUBLED else (1, 4)
        value = min(top, remaining - remaining % step)
        items[item] = value
        remaining -= value
    if remaining:  # an odd remainder after the ordinary items are full: trade 1 for a risk point
        items["engagement"] -= 1
        items["risk_to_others"] += 2
        remaining -= 1
    assert sum(items.values()) == total
    return items


def ndt_assessment(*, person, assessed_on, total: int, **kwargs):
    """A complete NDT assessment with the given total (a test shortcut)."""
    from tide.identification.models import NdtAssessment

    return NdtAssessment.objects.create(
        person=person, assessed_on=assessed_on, total=total, **ndt_items_for_total(total), **kwargs
    )
