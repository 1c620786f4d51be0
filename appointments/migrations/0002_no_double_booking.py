"""No double booking, guaranteed by PostgreSQL: an exclusion constraint over each caseworker's
blocked time ranges (start to end plus preparation) of appointments that are not cancelled.

Django's ExclusionConstraint cannot be declared in Meta for a project that also runs on SQLite,
so this migration creates it only on PostgreSQL; elsewhere `services.book_appointment` is the
guard (SQLite serialises writers). The constraint's name is what `services` recognises in the
IntegrityError it turns into the same German message.
"""

from django.db import migrations

CONSTRAINT = "appointment_no_double_booking"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE appointments_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (caseworker_id WITH =, tstzrange("start", blocked_until, '[)') WITH &&)
    WHERE (status NOT IN ('cancelled_customer', 'cancelled_centre'));
"""
DROP = f"ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
