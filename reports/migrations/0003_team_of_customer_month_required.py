"""The team of a stored month figure is required, and the team's index replaces the one by
month (a migration of its own: on PostgreSQL a table cannot be altered in the transaction that
just updated its rows under deferred foreign keys)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_team_of_customer_month"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customermonth",
            name="team",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="caseload.team"
            ),
        ),
        migrations.RemoveIndex(model_name="customermonth", name="customer_month_by_month"),
        migrations.AddIndex(
            model_name="customermonth",
            index=models.Index(
                fields=["job_centre", "team", "month"],
                include=["as_of", "due", "on_time", "late", "overdue_end"],
                name="customer_month_by_team",
            ),
        ),
    ]
