"""Each stored month figure carries the customer's team, so that a team's report reads its rows
through an index of its own instead of joining the customers. Existing rows take their
customer's team; the figures themselves do not change."""

import django.db.models.deletion
from django.db import migrations, models


def take_the_customers_team(apps, schema_editor):
    CustomerMonth = apps.get_model("reports", "CustomerMonth")
    Customer = apps.get_model("caseload", "Customer")
    CustomerMonth.objects.update(
        team_id=models.Subquery(
            Customer.objects.filter(pk=models.OuterRef("customer_id"), job_centre_id=models.OuterRef("job_centre_id"))
            .values("team_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0012_walk_in_index_reasons_encoder"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="customermonth",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="caseload.team",
            ),
        ),
        migrations.RunPython(take_the_customers_team, migrations.RunPython.noop),
    ]
