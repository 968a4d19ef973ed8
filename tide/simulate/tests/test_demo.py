import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from tide.areas.models import Area, Role, User
from tide.coordination.models import SupportEpisode
from tide.core.audit import audit_verify
from tide.identification.models import NdtAssessment
from tide.intake.models import ExtractFile
from tide.linkage.models import PersonLink, SourceRecord
from tide.linkage.selectors import known_search
from tide.people.models import Person
from tide.service_use.models import ServiceEvent
from tide.simulate import SimConfig, generate
from tide.simulate.demo import DEMO_PASSWORD, PERSONAS, feeds_as_sent

pytestmark = pytest.mark.django_db


def test_demo_loads_personas_and_the_simulated_population_within_caseload_limits(capsys):
    call_command("demo", preset="tiny", seed=3)
    out = capsys.readouterr().out
    sim = feeds_as_sent(generate(SimConfig.preset("tiny", seed=3)))
    area = Area.objects.get(code="tidemouth")
    assert area.accountable_officer.username == "helen"
    # Everyone simulated, and a person of their own for each record of the latest extracts that the
    # model could not place.
    placed_apart = PersonLink.objects.filter(method="new").values("person").distinct().count()
    assert Person.objects.filter(area=area).count() == len(sim.people) + placed_apart
    assert ServiceEvent.objects.count() == len(sim.events)
    assert NdtAssessment.objects.count() == len(sim.ndt)
    assert SupportEpisode.objects.count() == sim.people["support_start"].notna().sum()
    for persona in PERSONAS:
        assert persona.username in out
        assert User.objects.get(username=persona.username).check_password(DEMO_PASSWORD)
    assert {p.role for p in PERSONAS} >= {r.value for r in Role if r is not Role.PERSON}
    assert audit_verify().ok
    for coordinator in User.objects.filter(role=Role.COORDINATOR):
        open_episodes = SupportEpisode.objects.filter(coordinator=coordinator, ended_on__isnull=True)
        assert open_episodes.count() <= area.caseload_limit


def test_demo_agency_records_are_linked_to_their_people_and_found_by_the_known_search():
    call_command("demo", preset="tiny", seed=3)
    sim = feeds_as_sent(generate(SimConfig.preset("tiny", seed=3)))
    assert SourceRecord.objects.count() == len(sim.records)
    latest = ExtractFile.objects.all()
    assert latest.exists()  # the latest extracts came through the intake and the model linked them
    assert PersonLink.objects.filter(method="demo").count() == len(sim.records) - sum(
        f.new_record_count for f in latest
    )
    assert PersonLink.objects.filter(method__in=["model", "best"]).exists()
    assert not ServiceEvent.objects.filter(record_ref="").exists()
    linked = PersonLink.objects.filter(
        record__agency=OuterRef("agency"),
        record__record_ref=OuterRef("record_ref"),
        person=OuterRef("person"),
        ended_at__isnull=True,
    )
    mismatched = ServiceEvent.objects.exclude(Exists(linked))
    assert not mismatched.exists()  # every event sits with the person its record is linked to
    record = SourceRecord.objects.filter(agency__code="acute").exclude(date_of_birth=None).first()
    person = record.links.get().person
    query = {"given_name": record.given_name, "family_name": record.family_name, "date_of_birth": record.date_of_birth}
    hits = known_search(user=User.objects.get(username="helen"), query=query)
    assert hits[0].person == person


def test_demo_is_not_loaded_twice(capsys):
    call_command("demo", preset="tiny", seed=3)
    call_command("demo", preset="tiny", seed=3)
    assert "already loaded" in capsys.readouterr().out
    assert Area.objects.filter(code="tidemouth").count() == 1


def test_demo_on_a_database_not_yet_migrated_says_what_to_do_and_changes_nothing(monkeypatch):
    from django.core.management.base import CommandError
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("an unapplied migration", False)])
    with pytest.raises(CommandError, match="run `tide migrate` first"):
        call_command("demo", preset="tiny", seed=3)
    assert not Area.objects.exists()
