"""Corrections of 29.11.2026 to rule sets loaded from the old fixture, for existing databases.

- Mönchengladbach: case management is checked before U25 (the seed: "Das Konzept gilt für den
  Bereich der Arbeitsvermittlung Ü 25! Für das Fallmanagement ... und den Bereich der
  Vermittlung U25 ... gelten abweichende Regelungen"), and both rules are exempt from the
  first-contact deadline, which applies to Ü25 placement only.
- Weimarer Land: video is not among the seed's qualified channels ("persönlich, telefonisch,
  E-Mail, Einzelgespräch oder Gruppenveranstaltung").
- Coburg Land: the scheduling settings of 001 §2.2 (new fields, so no admin value is overwritten).

Only values still as the old fixture had them are changed: an admin's own edits are left
alone. Every change gets a history row with the reason, and the job centre's policy version is
raised so that pages mark the stored due dates as computed under older rules until the next
`recompute_due --due-only`.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

REASON_MG = "Korrektur 29.11.2026: Fallmanagement vor U25, ohne Erstkontakt-Frist"
REASON_WL = "Korrektur 29.11.2026: Video zählt nicht als qualifizierter Kontakt"
REASON_CL = "Korrektur 29.11.2026: Terminierung nach 001 §2.2"

MG_U25 = "Vermittlung U25 (monatlich)"
MG_FM = "Fallmanagement (größtmögliche Individualisierung)"
OLD_WL_CHANNELS = {"in_person", "phone", "email", "video", "group"}
NEW_WL_CHANNELS = ["in_person", "phone", "email", "group"]


def _history(apps, model_name, instance, reason):
    historical = apps.get_model("policies", f"Historical{model_name}")
    values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    historical.objects.create(**values, history_date=timezone.now(), history_type="~",
                              history_change_reason=reason)


def _is_u25_rule(rule):
    return (rule.label == MG_U25 and rule.age_band == "u25" and not rule.care and not rule.employment
            and not rule.profiles and not rule.flags)


def _is_case_management_rule(rule):
    return rule.label == MG_FM and rule.care == ["case_management"] and not rule.age_band


def forwards(apps, schema_editor):
    JobCentre = apps.get_model("policies", "JobCentre")
    RuleSet = apps.get_model("policies", "RuleSet")
    ContactRule = apps.get_model("policies", "ContactRule")
    changed_centres = set()

    for rule_set in RuleSet.objects.filter(job_centre__slug="moenchengladbach"):
        rules = list(ContactRule.objects.filter(rule_set=rule_set))
        u25 = next((r for r in rules if _is_u25_rule(r)), None)
        fm = next((r for r in rules if _is_case_management_rule(r)), None)
        if u25 is None or fm is None:
            continue
        if (u25.position, fm.position) == (10, 20):
            u25.position, fm.position = 20, 10
        for rule in (fm, u25):
            rule.first_contact_exempt = True
            rule.save(update_fields=["position", "first_contact_exempt"])
            _history(apps, "ContactRule", rule, REASON_MG)
        changed_centres.add(rule_set.job_centre_id)

    for rule_set in RuleSet.objects.filter(job_centre__slug="weimarer-land"):
        channels = rule_set.qualifying_channels
        if isinstance(channels, list) and len(channels) == len(OLD_WL_CHANNELS) and set(channels) == OLD_WL_CHANNELS:
            rule_set.qualifying_channels = NEW_WL_CHANNELS
            rule_set.save(update_fields=["qualifying_channels"])
            _history(apps, "RuleSet", rule_set, REASON_WL)
            changed_centres.add(rule_set.job_centre_id)

    for rule_set in RuleSet.objects.filter(job_centre__slug="coburg-land"):
        rule_set.bookable_channels = ["in_person", "group"]
        rule_set.office_hours_only = True
        rule_set.letters_name_opening_hours = True
        rule_set.immediate_placement_excluded = True
        rule_set.save(update_fields=["bookable_channels", "office_hours_only", "letters_name_opening_hours",
                                     "immediate_placement_excluded"])
        _history(apps, "RuleSet", rule_set, REASON_CL)

    JobCentre.objects.filter(pk__in=changed_centres).update(policy_version=F("policy_version") + 1)


class Migration(migrations.Migration):

    dependencies = [
        ("policies", "0003_rule_settings"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
