"""Lists ask coordination's relationships for many people at once (pages_bench: /coordination/requests went
from 1.2 s to 0.3 s on the demo area); the answer must be the one-by-one answer for every user and person."""

from __future__ import annotations

import pytest

from tide.coordination.selectors import people_visible, relationship, relationships_of
from tide.core.access import person_access
from tide.people.models import Person
from tide.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_relationships_for_many_people_are_those_for_each_one(world):
    people = list(Person.objects.filter(area=world.area))
    seen_some = False
    for user in world.users.values():
        many = relationships_of(user=user, people=people)
        for person in people:
            assert many.get(person.pk) == relationship(user, person), (user.username, person.pk)
        seen_some |= any(many.values())
        visible = people_visible(user=user, person_ids=[p.pk for p in people])
        assert visible == {p.pk for p in people if person_access(user, p).allowed}, user.username
    assert seen_some  # the world holds relationships, so the comparison means something
