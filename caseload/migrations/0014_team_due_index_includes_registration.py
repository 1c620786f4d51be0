from django.db import migrations, models


class Migration(migrations.Migration):
    """The team's (job_centre, team, due_by) index includes registered_on: the monthly report
    counts a team's customers per month from the index alone."""

    dependencies = [("caseload", "0013_job_centre_led_indexes_suffice")]

    operations = [
        migrations.RemoveIndex(model_name="customer", name="customer_team_due"),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["job_centre", "team", "due_by"], include=("registered_on",), name="customer_team_due"),
        ),
    ]
