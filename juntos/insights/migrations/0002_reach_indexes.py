"""Indexes the insights metrics rely on, on messaging's delivery table.

Reach asks, per caregiver, "is there a delivered row in the period?" and contact health asks
"what happened to the last delivery to this address?". Both are correlated EXISTS/LIMIT 1
subqueries that must be index lookups, not scans, in a district with millions of deliveries.
They are created here (not in messaging) because insights is the reader that needs them;
IF NOT EXISTS keeps the migration safe to run where an operator added them by hand.
"""

from django.db import migrations

REACH = (
    "CREATE INDEX IF NOT EXISTS insights_delivery_reach_idx "
    "ON messaging_delivery (caregiver_id, created_at) WHERE status = 'delivered'"
)
LAST_TO_ADDRESS = (
    "CREATE INDEX IF NOT EXISTS insights_delivery_address_idx "
    'ON messaging_delivery (caregiver_id, "to", updated_at)'
)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("messaging", "0005_staff_authorship_restrict"),
    ]

    operations = [
        migrations.RunSQL(REACH, "DROP INDEX IF EXISTS insights_delivery_reach_idx"),
        migrations.RunSQL(LAST_TO_ADDRESS, "DROP INDEX IF EXISTS insights_delivery_address_idx"),
    ]
