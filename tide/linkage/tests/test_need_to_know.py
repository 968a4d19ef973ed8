"""Finding 1 of issue 18: linkage record pages pass the same need-to-know gate as the person page."""

from __future__ import annotations

import pytest

from tide.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("who", ["manager_unrelated", "administrator"])
def test_a_data_lead_refused_on_the_person_page_is_refused_on_their_linkage_record_too(client, world, who):
    stranger = world.people["stranger"]
    client.force_login(world.users[who])
    assert client.get(f"/people/{stranger.pk}/").status_code == 403
    record = world.objects["records"]["stranger"]
    response = client.get(f"/linkage/records/{record.pk}/")
    assert response.status_code == 403
    page = response.content.decode()
    for value in (stranger.family, stranger.pnc, stranger.postcode, stranger.police_ref):
        assert value.casefold() not in page.casefold()
    response = client.post(f"/linkage/records/{record.pk}/undo")
    assert response.status_code == 403


def test_the_review_queue_and_pair_hide_records_of_people_the_reviewer_may_not_see(client, world):
    client.force_login(world.users["administrator"])
    queue = client.get("/linkage/review/").content.decode()
    assert world.people["stranger"].family not in queue
    assert "A record you have no working relationship with" in queue
    assert client.get(f"/linkage/review/{world.objects['candidate'].pk}/").status_code == 403


def test_a_data_lead_sees_their_own_agencys_record_and_the_person_page_gate_still_opens_it(client, world):
    police_manager = world.users["manager_unrelated"]
    police_manager.agency = world.agencies["police"]
    police_manager.save(update_fields=["agency"])
    client.force_login(police_manager)
    record = world.objects["records"]["stranger"]  # the police extract's record
    assert client.get(f"/linkage/records/{record.pk}/").status_code == 200
    client.force_login(world.users["manager"])  # manages the coordinator of "coordinated"
    assert client.get(f"/linkage/records/{world.objects['records']['coordinated'].pk}/").status_code == 200
