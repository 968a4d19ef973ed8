"""Lists of several people show each only to those who may see them (found by the need-to-know crawler)."""

from __future__ import annotations

import pytest

from tide.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_the_overdue_list_counts_actions_about_people_the_manager_may_not_see(client, world):
    quillon = world.people["coordinated"]  # has an overdue action; the other manager has no relationship
    client.force_login(world.users["manager_unrelated"])
    page = client.get("/coordination/overdue").content.decode()
    assert quillon.family not in page
    assert "about people you have no working relationship with" in page
    client.force_login(world.users["manager"])
    assert quillon.family in client.get("/coordination/overdue").content.decode()


def test_asked_of_us_leaves_out_a_colleagues_actions_about_people_the_user_may_not_see(client, world):
    quillon = world.people["coordinated"]  # the action is owned by a colleague in the same agency
    client.force_login(world.users["coordinator_b"])
    page = client.get("/coordination/requests").content.decode()
    assert quillon.family not in page
    assert "about people you have no working relationship with" in page


def test_an_alert_older_than_the_relationship_it_gave_neither_lists_nor_opens_its_person(client, world):
    from tide.identification.models import Alert

    stranger, old = world.people["stranger"], world.objects["alert_old"]
    client.force_login(world.users["practitioner_housing"])
    page = client.get("/identification/alerts/").content.decode()
    assert stranger.family not in page
    assert world.people["agreement"].family in page  # the recent alert still shows
    assert client.post(f"/identification/alerts/{old.pk}/open").status_code == 404
    assert Alert.objects.get(pk=old.pk).seen_at is None
