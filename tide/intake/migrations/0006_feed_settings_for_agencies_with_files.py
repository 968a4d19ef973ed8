"""Every agency that has already sent a file is a feed, with the default cadence (ADR 0015)."""

from django.db import migrations


def feeds_from_files(apps, schema_editor):
    ExtractFile = apps.get_model("intake", "ExtractFile")
    FeedSetting = apps.get_model("intake", "FeedSetting")
    have = set(FeedSetting.objects.values_list("agency_id", flat=True))
    agencies = sorted(set(ExtractFile.objects.values_list("agency_id", flat=True)) - have)
    FeedSetting.objects.bulk_create([FeedSetting(agency_id=a) for a in agencies])


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_feed_settings_alerts_and_file_coverage")]

    operations = [migrations.RunPython(feeds_from_files, migrations.RunPython.noop)]
