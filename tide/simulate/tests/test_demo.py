import pytest
from django.core.management import call_command

from tide.areas.models import Area, Role, User
from tide.coordination.models import SupportEpisode
from tide.core.audit import audit_verify
from tide.identification.models import NdtAssessment
from tide.people.models import Person
from tide.service_use.models import ServiceEvent
from tide.simulate import SimConfig, generate
from tide.simulate.demo import DEMO_PASSWORD, PERSONAS

pytestmark = pytest.mark.django_db


def test_demo_loads_personas_and_the_simulated_population_within_caseload_limits(capsys):
    call_command("demo", preset="tiny", seed=3)
    out = capsys.readouterr().out
    sim = generate(SimConfig.preset("tiny", seed=3))
    area = Area.objects.get(code="tidemouth")
    assert area.accountable_officer.username == "helen"
    assert Person.objects.filter(area=area).count() == len(sim.people)
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


def test_demo_is_not_loaded_twice(capsys):
    call_command("demo", preset="tiny", seed=3)
    call_command("demo", preset="tiny", seed=3)
    assert "already loaded" in capsys.readouterr().out
    assert Area.objects.filter(code="tidemouth").count() == 1
