"""Ship the four definitions and the default identification triggers (an administrator can change both)."""

from django.db import migrations

# A frozen copy, so later edits of tide.identification.rules do not rewrite history.
HOMELESS = ["rough_sleeping_contact", "hostel_night", "eviction", "homelessness_application"]
SUBSTANCE = ["dat_treatment_start", "dat_contact"]
MENTAL = ["mh_community_contact", "mh_crisis_contact", "mh_inpatient_day"]
CJS = ["arrest", "custody_night", "court_appearance", "conviction", "prison_reception", "prison_release",
       "prison_night", "probation_start"]


def c(code, label, types, min_count=1, window=365):
    return {"code": code, "label": label, "event_types": types, "min_count": min_count, "window_days": window}


DEFINITIONS = [
    ("turning_the_tide", "Turning the Tide pattern", 2, 10,
     "Two or more of: recent rough sleeping, two or more arrests, a second conviction in court, evidence of "
     "problematic substance misuse, experience of mental ill health (Revolving Doors Agency and MEAM, 2011).",
     [c("rough_sleeping", "Recent rough sleeping", ["rough_sleeping_contact"], 1, 365),
      c("arrests", "Two or more arrests", ["arrest"], 2, 365),
      c("second_conviction", "A second conviction in court", ["conviction"], 2, 730),
      c("substance", "Evidence of problematic substance misuse", SUBSTANCE),
      c("mental_health", "Experience of mental ill health", MENTAL)]),
    ("fulfilling_lives", "Fulfilling Lives", 2, 20,
     "Two or more of homelessness, substance misuse, reoffending and mental ill health "
     "(National Lottery Community Fund, 2014).",
     [c("homelessness", "Homelessness", HOMELESS),
      c("substance", "Substance misuse", SUBSTANCE),
      c("reoffending", "Reoffending (two or more offending events)", ["arrest", "conviction"], 2),
      c("mental_health", "Mental ill health", MENTAL)]),
    ("changing_futures", "Changing Futures", 3, 30,
     "Some or all of homelessness, mental health, criminal justice contact, substance misuse and domestic abuse "
     "(DLUHC, 2021). How many are needed is a local choice; three is the default.",
     [c("homelessness", "Homelessness", HOMELESS),
      c("mental_health", "Mental health", MENTAL),
      c("criminal_justice", "Criminal justice contact", CJS),
      c("substance", "Substance misuse", SUBSTANCE),
      c("domestic_abuse", "Domestic abuse", ["da_incident"])]),
    ("hard_edges_smd", "Hard Edges severe and multiple disadvantage", 2, 40,
     "Contact with the homelessness, substance misuse and criminal justice systems: one (SMD1), two (SMD2) or all "
     "three (SMD3) (Bramley, Fitzpatrick et al., 2015). Two or more is the default for the list.",
     [c("homelessness", "Homelessness system", HOMELESS),
      c("substance", "Substance misuse system", SUBSTANCE),
      c("criminal_justice", "Criminal justice system", CJS)]),
]
TRIGGERS = ["arrest", "prison_release", "rough_sleeping_contact", "ae_attendance", "eviction"]


def forwards(apps, schema_editor):
    Definition = apps.get_model("identification", "Definition")
    TriggerRule = apps.get_model("identification", "TriggerRule")
    for code, name, k, order, description, criteria in DEFINITIONS:
        Definition.objects.update_or_create(
            code=code,
            defaults={"name": name, "min_criteria": k, "order": order, "description": description,
                      "criteria": criteria},
        )
    for event_type in TRIGGERS:
        TriggerRule.objects.get_or_create(
            area=None, event_type=event_type, defaults={"applies_to": "meets_or_near", "recipient": "coordinator"}
        )


def backwards(apps, schema_editor):
    apps.get_model("identification", "Definition").objects.filter(code__in=[d[0] for d in DEFINITIONS]).delete()
    apps.get_model("identification", "TriggerRule").objects.filter(area=None, event_type__in=TRIGGERS).delete()


class Migration(migrations.Migration):
    dependencies = [("identification", "0002_definitions_list_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
