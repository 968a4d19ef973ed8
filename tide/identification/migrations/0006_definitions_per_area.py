"""Definitions belong to an area (ADR 0007), step 1 of 3: the area column, empty for now.

Three migrations, so that on PostgreSQL the copying (step 2) commits before the column is made
required (step 3): a table with pending deferred-constraint events cannot be altered in one transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("identification", "0005_population_estimates"),
    ]

    operations = [
        migrations.AlterField(model_name="definition", name="code", field=models.SlugField(max_length=50)),
        migrations.AddField(
            model_name="definition",
            name="area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="definitions",
                to="areas.area",
            ),
        ),
    ]
