"""Each stored month figure carries the customer's caseworker, so that the report's rows per
caseworker read it without joining the customers. Existing rows take their customer's
caseworker; the figures themselves do not change."""

import django.db.models.deletion
from django.db import migrations, models


def take_the_customers_caseworker(apps, schema_editor):
    CustomerMonth = apps.get_model("reports", "CustomerMonth")
    Customer = apps.get_model("caseload", "Customer")
    CustomerMonth.objects.update(
        caseworker_id=models.Subquery(
            Customer.objects.filter(pk=models.OuterRef("customer_id"), job_centre_id=models.OuterRef("job_centre_id"))
            .values("caseworker_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0012_walk_in_index_reasons_encoder"),
        ("reports", "0003_team_of_customer_month_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="customermonth",
            name="caseworker",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="caseload.staff",
            ),
        ),
        migrations.RunPython(take_the_customers_caseworker, migrations.RunPython.noop),
    ]
