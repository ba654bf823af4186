"""The worker's two queues are vacuumed after a thousand dead rows on PostgreSQL (migration
core 0003); SQLite, which has no such setting, is left alone."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

migration = importlib.import_module("yakusho.core.migrations.0003_queues_vacuumed_often")
TABLES = sorted(apps.get_model(*queue)._meta.db_table for queue in migration.QUEUES)


class RecordingEditor:
    def __init__(self, vendor: str) -> None:
        self.connection = type("Connection", (), {"vendor": vendor})()
        self.statements: list[str] = []

    def quote_name(self, name: str) -> str:
        return f'"{name}"'

    def execute(self, sql: str) -> None:
        self.statements.append(sql)


def _run(direction: str, vendor: str) -> list[str]:
    (operation,) = migration.Migration.operations
    editor = RecordingEditor(vendor)
    code = operation.code if direction == "forward" else operation.reverse_code
    code(apps, editor)
    return editor.statements


def test_postgresql_sets_the_thresholds_on_both_queues_and_the_reverse_resets_them():
    assert TABLES == ["core_outboundemail", "django_tasks_database_dbtaskresult"]
    forward = _run("forward", "postgresql")
    assert sorted(forward) == [
        f'ALTER TABLE "{table}" SET ({migration.SETTINGS})' for table in TABLES
    ]
    assert sorted(_run("backward", "postgresql")) == [
        f'ALTER TABLE "{table}" RESET ({migration.NAMES})' for table in TABLES
    ]
    assert _run("forward", "sqlite") == []
    assert _run("backward", "sqlite") == []


@pytest.mark.django_db
def test_the_migrated_database_has_them():
    if connection.vendor != "postgresql":
        # Nothing to see on SQLite but that the migration ran without a statement for it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM django_migrations WHERE app = 'core' AND name = %s",
                [migration.__name__.rsplit(".", 1)[1]],
            )
            assert cursor.fetchone() == (1,)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [TABLES])
        options = dict(cursor.fetchall())
    expected = ["autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000"]
    assert options == {table: expected for table in TABLES}
