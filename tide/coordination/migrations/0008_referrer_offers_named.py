"""Data only: the involvement a referral's acceptance recorded for the referring agency was saved as
"Other service" with the detail "Referrer's offer: …"; name it for what it is. (Issue 22.)"""

from django.db import migrations

PREFIX = "Referrer's offer: "


def forwards(apps, schema_editor):
    ServiceInvolvement = apps.get_model("coordination", "ServiceInvolvement")
    for row in ServiceInvolvement.objects.filter(service="other", detail__startswith=PREFIX).only("pk", "detail"):
        ServiceInvolvement.objects.filter(pk=row.pk).update(service="referrer_offer", detail=row.detail[len(PREFIX) :])


def backwards(apps, schema_editor):
    ServiceInvolvement = apps.get_model("coordination", "ServiceInvolvement")
    for row in ServiceInvolvement.objects.filter(service="referrer_offer").only("pk", "detail"):
        detail = (PREFIX + row.detail)[:300]
        ServiceInvolvement.objects.filter(pk=row.pk).update(service="other", detail=detail)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0007_seen_by_the_coordinator_and_referrer_offer")]
    operations = [migrations.RunPython(forwards, backwards)]
