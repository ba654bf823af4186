"""Refuse UPDATE and DELETE on the audit table in the database itself (see core.audit_guard),
so that not even a stray query can rewrite history. `yakusho audit verify` still detects a
tamperer who removes the triggers first."""

from django.db import migrations

from yakusho.core import audit_guard


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": audit_guard.SQLITE_UP, "postgresql": audit_guard.POSTGRES_UP}),
            _run({"sqlite": audit_guard.SQLITE_DOWN, "postgresql": audit_guard.POSTGRES_DOWN}),
        )
    ]
