"""Let an entry be `scheduled`: the status check of `entries` gains the third value.

Revision ID: 0008
Revises: 0007

SQLite cannot alter a CHECK constraint, and rebuilding `entries` is no option here: the copy
would drop the full-text triggers, and with foreign keys on, dropping the old table deletes
every tag link and revision through their ON DELETE CASCADE (the pragma cannot be turned off
inside the migration's transaction). A wider check changes nothing stored, so the table's
declaration is rewritten in place, as SQLite's ALTER TABLE page describes for removing a check
("Making Other Kinds Of Table Schema Changes"): writable_schema, one UPDATE of sqlite_master,
the schema version raised so every connection reads the new declaration.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_NAME = "ck_entries_status"
_TWO = "status IN ('draft', 'finished')"
_THREE = "status IN ('draft', 'finished', 'scheduled')"


def _declare(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(_NAME, "entries", type_="check")
        op.create_check_constraint(_NAME, "entries", sa.text(new))
        return
    before, after = f"CHECK ({old})", f"CHECK ({new})"
    (declared,) = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entries'").one()
    if after in declared:
        return
    if before not in declared:
        raise RuntimeError(f"the entries table has no check `{before}` to change")
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'entries'",
            (before, after),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql("PRAGMA main.quick_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"the entries table's new declaration does not check: {'; '.join(problems)}")


def upgrade() -> None:
    _declare(_TWO, _THREE)


def downgrade() -> None:
    # The older check would refuse the rows: a scheduled entry goes back to being a draft.
    op.execute("UPDATE entries SET status = 'draft' WHERE status = 'scheduled'")
    _declare(_THREE, _TWO)
