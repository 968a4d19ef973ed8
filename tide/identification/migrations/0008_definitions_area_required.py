"""Definitions belong to an area (ADR 0007), step 3 of 3: every definition has one, once per code."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("identification", "0007_definitions_copied_per_area")]

    operations = [
        migrations.AlterField(
            model_name="definition",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="definitions", to="areas.area"
            ),
        ),
        migrations.AddConstraint(
            model_name="definition",
            constraint=models.UniqueConstraint(fields=("area", "code"), name="definition_area_code_unique"),
        ),
    ]
