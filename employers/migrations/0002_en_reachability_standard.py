"""JobAgentur EN's employer-service standard (003 §4.2: by phone Monday to Friday 8-17) for
databases that loaded fixtures/rulesets.json before the standard shipped with it. Adds it only
where the job centre exists and has none: an admin's own standard is left alone."""

import datetime

from django.db import migrations

SLUG = "jobagentur-en"


def add_standard(apps, schema_editor):
    JobCentre = apps.get_model("policies", "JobCentre")
    ReachabilityStandard = apps.get_model("employers", "ReachabilityStandard")
    centre = JobCentre.objects.filter(slug=SLUG).first()
    if centre is None or ReachabilityStandard.objects.filter(job_centre=centre).exists():
        return
    ReachabilityStandard.objects.create(
        job_centre=centre, reachable_from=datetime.time(8), reachable_until=datetime.time(17)
    )


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial")]

    operations = [migrations.RunPython(add_standard, migrations.RunPython.noop)]
