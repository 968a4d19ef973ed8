"""Fast inserts give ids that ordinary saves never collide with, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from tide.core.bulk import insert_instances
from tide.people.models import Person


def test_inserted_instances_get_ids_and_later_saves_do_not_collide(area):
    before = Person.objects.create(area=area, given_name="Ada")
    people = insert_instances([Person(area=area, given_name=f"P{i}", search_name=f"p{i}") for i in range(3)])
    assert [p.pk for p in people] == sorted({p.pk for p in people})
    assert people[0].pk > before.pk
    after = Person.objects.create(area=area, given_name="Bea")
    assert after.pk not in {p.pk for p in people}
    stored = Person.objects.get(pk=people[1].pk)
    assert (stored.given_name, stored.search_name, stored.created_at is not None) == ("P1", "p1", True)
