"""Load the shipped event types into the EventType table (ADR 0017): data only, after the table exists."""

from django.db import migrations

SHIPPED = [
    ("arrest", "Arrest", "offending", "event", True),
    ("custody_night", "Night in police custody", "offending", "night", True),
    ("court_appearance", "Court appearance", "offending", "event", False),
    ("conviction", "Conviction", "offending", "event", False),
    ("prison_reception", "Prison reception", "offending", "event", False),
    ("prison_release", "Release from prison", "offending", "event", True),
    ("prison_night", "Night in prison", "offending", "night", False),
    ("probation_start", "Probation supervision start", "offending", "event", False),
    ("ae_attendance", "A&E attendance", "health", "event", True),
    ("emergency_admission", "Emergency (non-elective) admission", "health", "event", True),
    ("ambulance_callout", "Ambulance call-out", "health", "event", True),
    ("mh_inpatient_day", "Mental health inpatient day", "mental_health", "day", False),
    ("mh_community_contact", "Community mental health contact", "mental_health", "event", False),
    ("mh_crisis_contact", "Mental health crisis team contact", "mental_health", "event", True),
    ("dat_treatment_start", "Drug and alcohol treatment start", "substance", "event", False),
    ("dat_contact", "Drug and alcohol treatment contact", "substance", "event", False),
    ("rough_sleeping_contact", "Seen sleeping rough", "homelessness", "night", True),
    ("hostel_night", "Night in a hostel", "homelessness", "night", False),
    ("eviction", "Eviction", "homelessness", "event", True),
    ("homelessness_application", "Homelessness application", "homelessness", "event", False),
    ("da_incident", "Domestic abuse incident", "domestic_abuse", "event", True),
]


def ship(apps, schema_editor):
    EventType = apps.get_model("service_use", "EventType")
    for code, label, domain, unit, crisis in SHIPPED:
        EventType.objects.update_or_create(
            code=code, defaults={"area": None, "label": label, "domain": domain, "unit": unit, "crisis": crisis}
        )


def unship(apps, schema_editor):
    apps.get_model("service_use", "EventType").objects.filter(area__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("service_use", "0006_event_types_as_data")]

    operations = [migrations.RunPython(ship, unship)]
