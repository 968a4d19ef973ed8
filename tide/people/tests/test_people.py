import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.people.models import IdentifierKind, Person, PersonIdentifier
from tide.people.selectors import person_search
from tide.people.services import PersonInput, identifier_add, person_create
from tide.service_use.models import ServiceEvent
from tide.testing.factories import AgencyFactory, AreaFactory, ServiceEventFactory
from tide.testing.fixtures import make_user


@pytest.fixture
def people(area, coordinator):
    rows = [
        ("John", "Smith", "", "9434765919"),
        ("Christina", "Okonkwo", "Tina", ""),
        ("William", "Hargreaves", "Bill", ""),
        ("Mohammed", "Rahman", "Mo", ""),
        ("Johanna", "Smithson", "", ""),
    ]
    created = []
    for given, family, known, nhs in rows:
        created.append(
            person_create(
                area=area,
                data=PersonInput(
                    given_name=given,
                    family_name=family,
                    known_as=known,
                    date_of_birth=dt.date(1980, 1, 2),
                    identifiers=[(IdentifierKind.NHS, nhs, None)] if nhs else [],
                ),
                actor=coordinator,
            )
        )
    return created


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jonh Smiht", "Smith"),
        ("Kristina Okonkwo", "Okonkwo"),
        ("bill hargreves", "Hargreaves"),
        ("Mohamed Rahmen", "Rahman"),
    ],
)
def test_search_by_misspelt_name_finds_the_person(coordinator, people, query, expected):
    hits = person_search(user=coordinator, query=query)
    assert hits
    assert hits[0].person.family_name == expected


def test_search_by_nhs_number_finds_the_person(coordinator, people):
    hits = person_search(user=coordinator, query="943 476 5919")
    assert [h.person.family_name for h in hits] == ["Smith"]
    assert hits[0].matched_on == "identifier"


def test_search_does_not_reach_into_another_area(coordinator, people):
    other_area = AreaFactory(name="Elsewhere", code="elsewhere")
    person_create(area=other_area, data=PersonInput(given_name="John", family_name="Smith"), actor=None)
    hits = person_search(user=coordinator, query="John Smith")
    assert {h.person.area_id for h in hits} == {coordinator.area_id}


def test_person_without_any_name_is_refused(area, coordinator):
    with pytest.raises(ValidationError):
        person_create(area=area, data=PersonInput(), actor=coordinator)
    assert Person.objects.count() == 0


def test_invalid_nhs_number_refuses_the_whole_person(area, coordinator):
    with pytest.raises(ValidationError, match="check digit"):
        person_create(
            area=area,
            data=PersonInput(given_name="A", identifiers=[(IdentifierKind.NHS, "9434765918", None)]),
            actor=coordinator,
        )
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_an_nhs_number_cannot_belong_to_two_people(people, coordinator):
    with pytest.raises(ValidationError, match="already recorded"):
        identifier_add(person=people[1], kind=IdentifierKind.NHS, value="9434765919", agency=None, actor=coordinator)


def test_local_id_needs_its_agency(people, coordinator):
    with pytest.raises(ValidationError):
        identifier_add(person=people[0], kind=IdentifierKind.LOCAL, value="X1", agency=None, actor=coordinator)
    agency = AgencyFactory(area=people[0].area)
    identifier_add(person=people[0], kind=IdentifierKind.LOCAL, value="X1", agency=agency, actor=coordinator)
    assert PersonIdentifier.objects.filter(kind="local", agency=agency).count() == 1


def test_person_page_shows_timeline_and_records_the_view(coordinator_client, people, coordinator):
    person = people[0]
    ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2026, 2, 1))
    response = coordinator_client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    assert b"A&amp;E attendance" in response.content
    assert AuditEvent.objects.filter(action="person.viewed", person_id=person.pk, actor=coordinator).exists()


def test_person_page_runs_in_bounded_queries(coordinator_client, people):
    """One query per room's timeline provider, however long the person's history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = people[0]
    counts = []
    for batch in range(2):
        for i in range(40 * batch + 5):
            ServiceEventFactory(person=person, occurred_on=dt.date(2024 + batch, 1, 1) + dt.timedelta(days=i))
        with CaptureQueriesContext(connection) as ctx:
            assert coordinator_client.get(f"/people/{person.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 24


def test_search_page_runs_in_bounded_queries(coordinator_client, people, django_assert_max_num_queries):
    # 13: the navigation's attention count (ADR 0031) beside the search and its audit row.
    with django_assert_max_num_queries(13):
        response = coordinator_client.get("/people/", {"q": "Jonh Smiht"})
    assert b"Smith" in response.content


def test_unknown_person_id_is_a_404_not_a_500(coordinator_client):
    assert coordinator_client.get("/people/999999/").status_code == 404
    assert coordinator_client.get("/people/abc/").status_code == 404


def test_person_in_another_area_is_a_404(coordinator_client):
    other = person_create(
        area=AreaFactory(name="Elsewhere", code="elsewhere"), data=PersonInput(given_name="Kim"), actor=None
    )
    assert coordinator_client.get(f"/people/{other.pk}/").status_code == 404


def test_empty_search_shows_an_error_message(coordinator_client):
    response = coordinator_client.get("/people/", {"q": ""})
    assert response.status_code == 200
    assert b"Enter a name or an identifier" in response.content


def test_add_person_form_reports_bad_nhs_number_and_writes_nothing(coordinator_client):
    response = coordinator_client.post(
        "/people/new",
        {"given_name": "Ann", "nhs_number": "1234567890", "dob_precision": "exact", "sex": "U", "ethnicity": "Z"},
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"check digit" in response.content
    assert Person.objects.count() == 0


def test_add_person_form_refuses_future_and_malformed_dates(coordinator_client):
    base = {"given_name": "Ann", "dob_precision": "exact", "sex": "U", "ethnicity": "Z"}
    future = coordinator_client.post("/people/new", {**base, "date_of_birth": "01/01/2999"})
    assert b"Date of birth must be on or before" in future.content
    garbled = coordinator_client.post("/people/new", {**base, "date_of_birth": "31/02/1990"})
    assert b"Date of birth must be a real date" in garbled.content
    assert Person.objects.count() == 0


def test_add_person_form_creates_the_person(coordinator_client):
    response = coordinator_client.post(
        "/people/new",
        {
            "given_name": "Ann",
            "family_name": "Example",
            "date_of_birth": "27/03/1985",
            "nhs_number": "943 476 5919",
            "dob_precision": "exact",
            "sex": "F",
            "ethnicity": "Z",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == f"/people/{person.pk}/"
    assert person.identifiers.get().value == "9434765919"


def test_commissioner_cannot_open_person_records(client, area, people):
    client.force_login(make_user(area, Role.COMMISSIONER))
    assert client.get(f"/people/{people[0].pk}/").status_code == 403


def test_service_event_cannot_have_an_unknown_type(people):
    event = ServiceEvent(
        person=people[0],
        event_type="teleportation",
        occurred_on=dt.date(2026, 1, 1),
        agency=AgencyFactory(area=people[0].area),
    )
    with pytest.raises(ValidationError):
        event.full_clean()
