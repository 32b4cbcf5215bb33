"""What the editor's writing aids keep: an entry's language and word goal, the site's typography,
the personal dictionary and the words written each day.

Revision ID: 0005
Revises: 0004

Plain ADD COLUMNs, as in 0002: a batch copy of `entries` would drop the full-text triggers, and
SQLite adds a column with a constant default in place, without rewriting the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("entries", sa.Column("language", sa.Text, nullable=False, server_default=""))
    op.add_column("entries", sa.Column("word_goal", sa.Integer, nullable=True))
    op.add_column("site", sa.Column("typography", sa.Text, nullable=False, server_default="smart"))
    op.create_table(
        "personal_words",
        sa.Column("word", sa.Text, primary_key=True),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "daily_words",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("words", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("daily_words")
    op.drop_table("personal_words")
    op.execute("ALTER TABLE site DROP COLUMN typography")
    op.execute("ALTER TABLE entries DROP COLUMN word_goal")
    op.execute("ALTER TABLE entries DROP COLUMN language")
