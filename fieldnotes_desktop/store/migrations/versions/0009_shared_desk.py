"""Who wrote each revision; on PostgreSQL, a notice to every other writer when entries change.

Revision ID: 0009
Revises: 0008

`revisions.author` is a plain ADD COLUMN with a constant default, as in 0005–0007.

On PostgreSQL a statement-level trigger sends `NOTIFY fieldnotes_changes` after any change to
entries, their tags or the site settings; its payload is the `fieldnotes.origin` setting of the
connection that made it, so a desk ignores its own changes (store/server.py). NOTIFY is sent at
commit, once per transaction and payload. SQLite has no such notice and needs none: other
connections' commits show in `PRAGMA data_version`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHANNEL = "fieldnotes_changes"
_TABLES = ("entries", "entry_tags", "site")


def upgrade() -> None:
    op.add_column("revisions", sa.Column("author", sa.Text, nullable=False, server_default=""))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION fieldnotes_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', coalesce(current_setting('fieldnotes.origin', true), '')); "
        "RETURN NULL; END $$"
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION fieldnotes_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute("DROP FUNCTION IF EXISTS fieldnotes_notify_change()")
    op.execute("ALTER TABLE revisions DROP COLUMN author")
