"""Definitions belong to an area (ADR 0007), step 2 of 3.

Each existing definition is copied into every area, and each screening result moves to the copy in its
person's area, so one administrator's edit no longer changes every area on the install. Each copy keeps
the values it had, so an area that had tuned a definition keeps its tuning.
"""

from django.db import migrations

FIELDS = ("code", "name", "description", "criteria", "min_criteria", "near_margin", "enabled", "puts_on_list", "order")


def copy_per_area(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    Definition = apps.get_model("identification", "Definition")
    ScreeningResult = apps.get_model("identification", "ScreeningResult")
    shared = list(Definition.objects.filter(area__isnull=True))
    for area in Area.objects.all():
        for original in shared:
            copy = Definition.objects.create(area=area, **{f: getattr(original, f) for f in FIELDS})
            ScreeningResult.objects.filter(definition=original, person__area_id=area.pk).update(definition=copy)
    Definition.objects.filter(area__isnull=True).delete()  # new areas get the shipped ones when created


def join_areas(apps, schema_editor):
    """Going back keeps one copy of each code (the lowest area's) and points every result at it."""
    Definition = apps.get_model("identification", "Definition")
    ScreeningResult = apps.get_model("identification", "ScreeningResult")
    keep: dict[str, object] = {}
    for definition in Definition.objects.order_by("area_id", "pk"):
        if definition.code in keep:
            ScreeningResult.objects.filter(definition=definition).update(definition=keep[definition.code])
            definition.delete()
        else:
            keep[definition.code] = definition




class Migration(migrations.Migration):
    dependencies = [("identification", "0006_definitions_per_area")]

    operations = [migrations.RunPython(copy_per_area, join_areas)]
