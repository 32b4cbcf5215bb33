"""Keep rendered sections by source hash, so exports and the preview render each section once.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # WITHOUT ROWID: rows are looked up only by key, so the key is the table's own b-tree.
    op.create_table(
        "rendered_sections",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("rendered_sections")
