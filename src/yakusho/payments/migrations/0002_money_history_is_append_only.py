"""The ledger and the payment transitions refuse UPDATE in the database itself: a booked
movement of money is corrected by a new entry, never by rewriting an old one."""

from django.db import migrations

TABLES = ["payments_ledgerentry", "payments_paymenttransition"]


def _statements(vendor: str, up: bool) -> list[str]:
    statements = []
    for table in TABLES:
        if vendor == "sqlite":
            statements.append(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                if up
                else f"DROP TRIGGER IF EXISTS {table}_no_update"
            )
        elif vendor == "postgresql":
            if up:
                statements += [
                    f"""CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{table} is append-only'; END $$ LANGUAGE plpgsql""",
                    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {table}_guard()",
                ]
            else:
                statements += [
                    f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
                    f"DROP FUNCTION IF EXISTS {table}_guard()",
                ]
    return statements


def _run(up: bool):
    def run(apps, schema_editor):
        for statement in _statements(schema_editor.connection.vendor, up):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(_run(True), _run(False))]
