"""Load the vendored Unit Cost Database v1.4 and GDP deflators so every deployment has them.

The files are checked against tide/finance/data/MANIFEST.json. Newer editions and series are
imported through the finance pages or ``manage.py finance_load_reference``.
"""

from django.db import migrations


def load(apps, schema_editor):
    from tide.finance.reference import manifest, parse_unit_costs, read_vendored
    from tide.finance.uprating import parse_deflator_csv

    CostEdition = apps.get_model("finance", "CostEdition")
    UnitCost = apps.get_model("finance", "UnitCost")
    DeflatorSeries = apps.get_model("finance", "DeflatorSeries")
    DeflatorYear = apps.get_model("finance", "DeflatorYear")
    files = manifest()

    name = "gmca-unit-cost-database-v1.4.csv"
    text, digest = read_vendored(name)
    if not CostEdition.objects.filter(sha256=digest).exists():
        meta = files[name]
        edition = CostEdition.objects.create(
            name="Unit Cost Database v1.4 (New Economy / GMCA)",
            licence=meta["licence"],
            attribution=meta["attribution"],
            source=meta["title"],
            sha256=digest,
        )
        UnitCost.objects.bulk_create(
            UnitCost(
                edition=edition,
                theme=r.theme,
                outcome_category=r.outcome_category,
                outcome_detail=r.outcome_detail,
                code=r.code,
                detail=r.detail,
                unit=r.unit,
                agency_level_1=r.agency_level_1,
                agency_level_2=r.agency_level_2,
                fiscal_cost=r.fiscal_cost,
                fiscal_price_year=r.fiscal_price_year,
                economic_value=r.economic_value,
                economic_price_year=r.economic_price_year,
                social_value=r.social_value,
                social_price_year=r.social_price_year,
                source=r.source,
                rag=r.rag,
            )
            for r in parse_unit_costs(text)
        )

    name = "gdp-deflators-budget-2015.csv"
    text, digest = read_vendored(name)
    if not DeflatorSeries.objects.filter(sha256=digest).exists():
        meta = files[name]
        active = not DeflatorSeries.objects.filter(active=True).exists()
        series = DeflatorSeries.objects.create(
            name="HM Treasury GDP deflators (Budget 2015)",
            source=meta["title"],
            attribution=meta["attribution"],
            sha256=digest,
            active=active,
        )
        DeflatorYear.objects.bulk_create(
            DeflatorYear(series=series, financial_year=p.year, index=p.index, forecast=p.forecast)
            for p in parse_deflator_csv(text)
        )


def unload(apps, schema_editor):
    apps.get_model("finance", "CostEdition").objects.filter(area__isnull=True, is_local=False).delete()
    apps.get_model("finance", "DeflatorSeries").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
