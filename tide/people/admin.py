from django.contrib import admin

from tide.core.admin import AuditedModelAdmin
from tide.people.models import Person, PersonAlias, PersonIdentifier


class AliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 0


class IdentifierInline(admin.TabularInline):
    model = PersonIdentifier
    extra = 0
    fields = ["kind", "value", "agency"]


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["family_name", "given_name", "known_as", "date_of_birth", "area"]
    search_fields = ["family_name", "given_name", "known_as", "identifiers__value"]
    list_filter = ["area", "sex", "ethnicity"]
    inlines = [AliasInline, IdentifierInline]
