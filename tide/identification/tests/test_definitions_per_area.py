"""Definitions belong to an area: an administrator's edit in one area leaves every other area alone (issue 19)."""

from __future__ import annotations

import datetime as dt

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.identification.models import Definition, ScreeningResult
from tide.identification.services import screening_run
from tide.testing.factories import AreaFactory, PersonFactory, ServiceEventFactory
from tide.testing.fixtures import make_user


def _definition(area, code="turning_the_tide"):
    return Definition.objects.get(area=area, code=code)


def _post(definition, **overrides):
    data = {
        "name": definition.name,
        "description": definition.description,
        "min_criteria": definition.min_criteria,
        "near_margin": definition.near_margin,
        "enabled": "on" if definition.enabled else "",
        "puts_on_list": "on" if definition.puts_on_list else "",
    }
    for i, c in enumerate(definition.criteria):
        data[f"c{i}_label"] = c["label"]
        data[f"c{i}_event_types"] = c["event_types"]
        data[f"c{i}_min_count"] = c["min_count"]
        data[f"c{i}_window_days"] = c["window_days"] or ""
    return data | overrides


def test_a_new_area_gets_its_own_copy_of_the_shipped_definitions(db):
    a, b = AreaFactory(code="ayford", name="Ayford"), AreaFactory(code="beeford", name="Beeford")
    codes = {"turning_the_tide", "fulfilling_lives", "changing_futures", "hard_edges_smd"}
    assert set(a.definitions.values_list("code", flat=True)) == codes
    assert set(b.definitions.values_list("code", flat=True)) == codes
    assert _definition(a).pk != _definition(b).pk


def test_an_administrators_edit_in_area_a_does_not_change_area_b(client, db):
    a, b = AreaFactory(code="ayford", name="Ayford"), AreaFactory(code="beeford", name="Beeford")
    client.force_login(make_user(a, Role.ADMINISTRATOR))
    response = client.post("/identification/definitions/turning_the_tide/edit", _post(_definition(a), min_criteria=3))
    assert response.status_code == 302
    assert _definition(a).min_criteria == 3
    assert _definition(b).min_criteria == 2
    change = AuditEvent.objects.get(action="identification.definition_changed")  # the history of the edit
    assert change.detail["before"]["min_criteria"] == 2
    assert change.detail["after"]["min_criteria"] == 3


def test_an_administrator_sees_and_edits_only_their_areas_definitions(client, db):
    AreaFactory(code="ayford", name="Ayford")
    b = AreaFactory(code="beeford", name="Beeford")
    _definition(b).delete()  # B no longer uses it; A's administrator still has theirs
    client.force_login(make_user(b, Role.ADMINISTRATOR))
    assert client.get("/identification/definitions/turning_the_tide/edit").status_code == 404
    listing = client.get("/identification/definitions/").content.decode()
    assert "Turning the Tide" not in listing
    assert "Fulfilling Lives" in listing


def test_screening_uses_each_persons_own_areas_definition(db):
    a, b = AreaFactory(code="ayford", name="Ayford"), AreaFactory(code="beeford", name="Beeford")
    Definition.objects.filter(area=b).update(enabled=False)
    today = dt.date.today()
    people = []
    for area in (a, b):
        person = PersonFactory(area=area)
        for code in ("rough_sleeping_contact", "arrest", "arrest", "dat_contact"):
            ServiceEventFactory(person=person, event_type=code, occurred_on=today - dt.timedelta(days=10))
        people.append(person)
    screening_run(as_of=today)
    in_a = ScreeningResult.objects.filter(person=people[0], meets=True)
    assert in_a.exists()
    assert all(r.definition.area_id == a.pk for r in in_a)
    assert not ScreeningResult.objects.filter(person=people[1]).exists()
