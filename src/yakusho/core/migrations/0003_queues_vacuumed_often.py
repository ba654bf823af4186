"""On PostgreSQL, vacuum the two queues the worker polls after every thousand dead rows instead
of after a fifth of the table.

Each task and each e-mail is updated as it is claimed and finished, and each update leaves a dead
entry at the front of the index the worker's claim reads until a vacuum removes it. With
PostgreSQL's default (20 % of the table), a week of kept task rows lets tens of thousands pile up
and the claim slows from a fraction of a millisecond to several (docs/performance.md). The
server's `autovacuum_naptime` sets how soon after the threshold the vacuum comes (README)."""

from django.db import migrations

QUEUES = [("django_tasks_database", "DBTaskResult"), ("core", "OutboundEmail")]
SETTINGS = "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000"
NAMES = "autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold"


def _alter(clause: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for app_label, model_name in QUEUES:
            table = schema_editor.quote_name(apps.get_model(app_label, model_name)._meta.db_table)
            schema_editor.execute(f"ALTER TABLE {table} {clause}")

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only"), ("django_tasks_database", "0001_initial")]

    operations = [migrations.RunPython(_alter(f"SET ({SETTINGS})"), _alter(f"RESET ({NAMES})"))]
