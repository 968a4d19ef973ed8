from django import template
from django.utils import timezone

from tide.people.models import Person

register = template.Library()


@register.filter
def age_today(person: Person) -> int | None:
    return person.age_on(timezone.localdate())
