from collections import defaultdict

from django.db import migrations, models
from django.db.models import Min, Q

from kontaktdichte.dates import add_months

PLAN_REVIEW_MONTHS = 6  # caseload.open_tasks.PLAN_REVIEW_MONTHS when this was written


def fill_next_task_on(apps, schema_editor):
    """`next_task_on` for every customer with a task: as `caseload.open_tasks.next_task_day`,
    grouped by day so that each day is one UPDATE per 500 customers."""
    Customer = apps.get_model("caseload", "Customer")
    Activity = apps.get_model("caseload", "FollowUpActivity")
    activities = dict(
        Activity.objects.filter(status="open")
        .values("customer_id")
        .annotate(first=Min("due_on"))
        .order_by()
        .values_list("customer_id", "first")
    )
    by_day = defaultdict(list)
    with_days = Customer.objects.filter(Q(due_tasks_since__isnull=False) | Q(cooperation_plan_on__isnull=False))
    for pk, since, plan_on in with_days.values_list("pk", "due_tasks_since", "cooperation_plan_on").iterator(2000):
        review_on = add_months(plan_on, PLAN_REVIEW_MONTHS) if plan_on is not None else None
        days = [d for d in (since, review_on, activities.pop(pk, None)) if d is not None]
        by_day[min(days)].append(pk)
    for pk, day in activities.items():
        by_day[day].append(pk)
    for day, pks in by_day.items():
        for i in range(0, len(pks), 500):
            Customer.objects.filter(pk__in=pks[i : i + 500]).update(next_task_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0015_notes_latest_first"),
        ("policies", "0005_employers_ruleset_employer_contacts"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="next_task_on",
            field=models.DateField(blank=True, null=True, verbose_name="nächste Aufgabe"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["job_centre", "team", "next_task_on"], name="customer_team_task"),
        ),
        migrations.RunPython(fill_next_task_on, migrations.RunPython.noop),
    ]
