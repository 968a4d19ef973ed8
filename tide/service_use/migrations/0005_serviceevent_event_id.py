"""Every event carries its agency's own event id, unique per agency (ADR 0014).

``source_ref`` becomes ``event_id``. An existing row keeps what it held when that is an agency's event id:
present, not a copy of the record reference (the demo's history stored the record reference there, a
defect fixed at its source) and the first row with that id at that agency. Any other row gets a Tide-made
id (``tide-`` and its primary key), which no agency's id can equal: such rows are left as they were,
findable by the prefix, rather than deleted by a migration.
"""

from django.db import migrations, models

import tide.service_use.models


def fill_event_ids(apps, schema_editor):
    ServiceEvent = apps.get_model("service_use", "ServiceEvent")
    seen: set[tuple[int, str]] = set()
    changed = []
    rows = ServiceEvent.objects.order_by("pk").values_list("pk", "agency_id", "event_id", "record_ref")
    for pk, agency_id, event_id, record_ref in rows.iterator(chunk_size=10000):
        key = (agency_id, event_id)
        if event_id and event_id != record_ref and key not in seen:
            seen.add(key)
            continue
        changed.append(ServiceEvent(pk=pk, event_id=f"tide-{pk}"))
        if len(changed) >= 5000:
            ServiceEvent.objects.bulk_update(changed, ["event_id"])
            changed = []
    ServiceEvent.objects.bulk_update(changed, ["event_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("service_use", "0004_serviceevent_without_linkage_fk"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="serviceevent", name="service_use_agency__fab300_idx"),
        migrations.RenameField(model_name="serviceevent", old_name="source_ref", new_name="event_id"),
        migrations.RunPython(fill_event_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="serviceevent",
            name="event_id",
            field=models.CharField(
                default=tide.service_use.models.tide_event_id,
                help_text="The agency's own id for the event, as in its extract: unique per agency, so an event "
                "sent again is recognised (ADR 0014). Events no agency numbered get a Tide-made id starting 'tide-'.",
                max_length=100,
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceevent",
            constraint=models.UniqueConstraint(fields=("agency", "event_id"), name="one_event_per_agency_event_id"),
        ),
        migrations.AddConstraint(
            model_name="serviceevent",
            constraint=models.CheckConstraint(condition=models.Q(("event_id", ""), _negated=True), name="event_has_an_event_id"),
        ),
    ]
