"""Create the entries store: entries, tags, revisions, assets, site profile and search index.

The index is FTS5 on SQLite, a kept tsvector column on PostgreSQL.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("slug", sa.Text, nullable=False, unique=True),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("category", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("volume", sa.Integer),
        sa.Column("elevation_m", sa.Integer),
        sa.Column("reading_minutes", sa.Integer),
        sa.Column("words", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("trashed_at", sa.DateTime),
        sa.CheckConstraint("status IN ('draft', 'finished')", name="ck_entries_status"),
    )
    op.create_index(
        "ix_entries_listing", "entries", ["trashed_at", sa.text("date DESC"), sa.text("id DESC")]
    )
    op.create_index("ix_entries_status", "entries", ["status"])
    op.create_index("ix_entries_category", "entries", ["category"])
    op.create_index("ix_entries_volume", "entries", ["volume"])

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "entry_tags",
        sa.Column(
            "entry_id", sa.Integer, sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_entry_tags_tag", "entry_tags", ["tag_id"])

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "entry_id", sa.Integer, sa.ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("words", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_revisions_entry_id", "revisions", ["entry_id"])

    op.create_table(
        "assets",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("filename", sa.Text, nullable=False, unique=True),
        sa.Column("mime", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )

    op.create_table(
        "site",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False, server_default="Field Notes"),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("role", sa.Text, nullable=False, server_default=""),
        sa.Column("location", sa.Text, nullable=False, server_default=""),
        sa.Column("now_md", sa.Text, nullable=False, server_default=""),
        sa.Column("base_url", sa.Text, nullable=False, server_default=""),
        sa.Column("language", sa.Text, nullable=False, server_default="en"),
    )
    op.execute("INSERT INTO site (id) VALUES (1)")

    if op.get_bind().dialect.name == "postgresql":
        _server_search()
        return
    # External-content FTS5: the text lives once, in `entries`; triggers keep the index.
    op.execute(
        "CREATE VIRTUAL TABLE entries_fts USING fts5("
        "title, summary, body, content='entries', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER entries_fts_ai AFTER INSERT ON entries BEGIN "
        "INSERT INTO entries_fts(rowid, title, summary, body) "
        "VALUES (new.id, new.title, new.summary, new.body); END"
    )
    op.execute(
        "CREATE TRIGGER entries_fts_ad AFTER DELETE ON entries BEGIN "
        "INSERT INTO entries_fts(entries_fts, rowid, title, summary, body) "
        "VALUES ('delete', old.id, old.title, old.summary, old.body); END"
    )
    # Only a change of indexed text touches the index: saving metadata stays cheap.
    op.execute(
        "CREATE TRIGGER entries_fts_au AFTER UPDATE OF title, summary, body ON entries BEGIN "
        "INSERT INTO entries_fts(entries_fts, rowid, title, summary, body) "
        "VALUES ('delete', old.id, old.title, old.summary, old.body); "
        "INSERT INTO entries_fts(rowid, title, summary, body) "
        "VALUES (new.id, new.title, new.summary, new.body); END"
    )


# A tsvector of more than a megabyte is refused by PostgreSQL (and with it the save of the text):
# a body of that many distinct words is indexed by its first 100,000 characters instead.
_SEARCH_FUNCTION = """
CREATE FUNCTION fieldnotes_search_vector(title text, summary text, body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')
        || setweight(to_tsvector('simple', body), 'C');
EXCEPTION WHEN program_limit_exceeded THEN
    RETURN setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')
        || setweight(to_tsvector('simple', left(body, 100000)), 'C');
END $$
"""


def _server_search() -> None:
    """PostgreSQL's own full-text search: a column the database keeps, with a GIN index.

    The `simple` configuration, as FTS5's unicode61: every word as written, lower-cased, no
    stemming, so the same words match on both dialects (accents, which FTS5 folds, do count here).
    """
    op.execute(_SEARCH_FUNCTION)
    op.execute(
        "ALTER TABLE entries ADD COLUMN search tsvector "
        "GENERATED ALWAYS AS (fieldnotes_search_vector(title, summary, body)) STORED"
    )
    op.execute("CREATE INDEX ix_entries_search ON entries USING GIN (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE entries DROP COLUMN search")
        op.execute("DROP FUNCTION fieldnotes_search_vector(text, text, text)")
        for table in ("site", "assets", "revisions", "entry_tags", "tags", "entries"):
            op.drop_table(table)
        return
    for trigger in ("entries_fts_au", "entries_fts_ad", "entries_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS entries_fts")
    for table in ("site", "assets", "revisions", "entry_tags", "tags", "entries"):
        op.drop_table(table)
