from django.db import migrations, models


class Migration(migrations.Migration):
    """The notes' (job_centre, customer, date) index becomes (job_centre, customer, date
    descending, id) with the channel and the follow-up date: the bulk recompute's two notes per
    customer come from the index alone, already in the order its window functions read them
    (at 1,000,000 customers: 7 ms against 17-22 ms a chunk of 2,000, EXPLAIN ANALYZE)."""

    dependencies = [("caseload", "0014_team_due_index_includes_registration")]

    operations = [
        migrations.RemoveIndex(model_name="contactnote", name="note_customer_date"),
        migrations.AddIndex(
            model_name="contactnote",
            index=models.Index(
                fields=["job_centre", "customer", "-date", "id"],
                include=("channel", "follow_up_on"),
                name="note_customer_date",
            ),
        ),
    ]
