"""`due_status` becomes `status_until_due`, named for what it holds: the engine's status until
the due date passes (overdue is read from `due_by` and the day, never stored). Rows that stored
"overdue" (none should) are kept as "ok", which reads the same; a check constraint keeps it so."""

from django.db import migrations, models


def overdue_as_ok(apps, schema_editor):
    Customer = apps.get_model("caseload", "Customer")
    Customer.objects.filter(status_until_due="overdue").update(status_until_due="ok")


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0010_employers_staff_role"),
    ]

    operations = [
        migrations.RenameField(model_name="customer", old_name="due_status", new_name="status_until_due"),
        migrations.AlterField(
            model_name="customer",
            name="status_until_due",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ok", "offen"),
                    ("suspended", "ausgesetzt"),
                    ("individual", "individuell"),
                    ("no_rule_set", "kein Konzept"),
                    ("no_rule", "keine Regel"),
                ],
                max_length=20,
                verbose_name="Status bis zur Fälligkeit",
            ),
        ),
        migrations.RunPython(overdue_as_ok, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(
                condition=models.Q(("status_until_due", "overdue"), _negated=True), name="customer_overdue_not_stored"
            ),
        ),
    ]
