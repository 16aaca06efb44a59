"""A small partial index for "a call from the call list reached this caregiver".

Calls are rare among deliveries; without it, the two-way check reads every delivered row of a
caregiver to filter on the provider id. The predicate is written the way Django writes the
lookup (``provider_id::text LIKE 'call:%'``) so that PostgreSQL can match it.
"""

from django.db import migrations

CALLS = (
    "CREATE INDEX IF NOT EXISTS insights_delivery_call_idx "
    "ON messaging_delivery (caregiver_id, created_at) "
    "WHERE status = 'delivered' AND provider_id LIKE 'call:%'"
)


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_reach_indexes")]

    operations = [
        migrations.RunSQL(CALLS, "DROP INDEX IF EXISTS insights_delivery_call_idx"),
    ]
