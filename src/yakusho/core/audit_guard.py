"""The database triggers that keep the audit table append-only (installed by migration
core.0002). Frozen: a change to these statements needs a new migration that installs it."""

SQLITE_NO_UPDATE = """CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"""
SQLITE_NO_DELETE = """CREATE TRIGGER core_auditrecord_no_delete BEFORE DELETE ON core_auditrecord
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"""

SQLITE_UP = [SQLITE_NO_UPDATE, SQLITE_NO_DELETE]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditrecord_no_update",
    "DROP TRIGGER IF EXISTS core_auditrecord_no_delete",
]

# DELETE is let through only inside the retention purge's transaction, which sets
# yakusho.audit_purge locally. UPDATE is never allowed.
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_auditrecord_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('yakusho.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit records are append-only';
END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditrecord_append_only BEFORE UPDATE OR DELETE ON core_auditrecord
FOR EACH ROW EXECUTE FUNCTION core_auditrecord_guard()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditrecord_append_only ON core_auditrecord",
    "DROP FUNCTION IF EXISTS core_auditrecord_guard()",
]
