"""SQLAlchemy models of the entries database (DESIGN §4); Alembic migrations mirror them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


entry_tags = Table(
    "entry_tags",
    Base.metadata,
    Column("entry_id", ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class EntryRow(Base):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    slug: Mapped[str] = mapped_column(Text, unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    date: Mapped[dt.date] = mapped_column(Date)
    volume: Mapped[int | None] = mapped_column(Integer)
    elevation_m: Mapped[int | None] = mapped_column(Integer)
    reading_minutes: Mapped[int | None] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    trashed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Raised by one with every change to the row, in the statement that takes the write lock
    # (store/editing.py `claim`), so that a save based on an older version can be refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    # The entry's own language code for the spell check; "" follows the site's (the quotes always do).
    language: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Words the writer means this entry to reach, shown against its count; None sets no goal.
    word_goal: Mapped[int | None] = mapped_column(Integer)
    # The cover image: a stored asset's name or an address, as the front matter gave it.
    cover: Mapped[str] = mapped_column(Text, default="", server_default="")
    author: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Earlier addresses of the entry on another site ("/2019/05/old-post/"), one per line: the
    # export writes a redirect page at each.
    aliases: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The time and zone of `date` as the source gave it ("07:30:00+01:00"); "" when only the day is known.
    published_time: Mapped[str] = mapped_column(Text, default="", server_default="")

    tags: Mapped[list[TagRow]] = relationship(
        secondary=entry_tags, order_by="TagRow.name", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_entries_listing", "trashed_at", text("date DESC"), text("id DESC")),
        Index("ix_entries_status", "status"),
        Index("ix_entries_category", "category"),
        Index("ix_entries_volume", "volume"),
    )


class TagRow(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class RevisionRow(Base):
    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(16))
    words: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Who wrote it: the name the writer's settings give, so a shared desk's history says whose save it was.
    author: Mapped[str] = mapped_column(Text, default="", server_default="")


class AssetRow(Base):
    __tablename__ = "assets"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(Text, unique=True)
    mime: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SiteRow(Base):
    """A single row (id 1) holding the site profile."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="Field Notes")
    author: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    now_md: Mapped[str] = mapped_column(Text, default="")
    base_url: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(Text, default="en")
    # "smart" publishes curly quotes, dashes and ellipses for straight ones; "plain" as typed.
    typography: Mapped[str] = mapped_column(Text, default="smart", server_default="smart")
    # The publish target (a folder, sftp://… or git+…#branch); never a password (the keyring has it).
    publish_to: Mapped[str] = mapped_column(Text, default="", server_default="")


class PersonalWordRow(Base):
    """A word the writer added to the spell check's dictionary; kept here so it travels with the desk."""

    __tablename__ = "personal_words"

    word: Mapped[str] = mapped_column(Text, primary_key=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)


class DailyWordsRow(Base):
    """Words added to the desk's entries on one calendar day of the writer's (net of deletions)."""

    __tablename__ = "daily_words"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    words: Mapped[int] = mapped_column(Integer, default=0)


class RenderedSectionRow(Base):
    """A rendered section (or a whole document's sections) kept by the hash of its source and
    the renderer's version (render/section_cache.py), shared by the export and the preview.

    A cache, not data: any row may be deleted at any time and is rendered again when needed.
    """

    __tablename__ = "rendered_sections"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed (store/render_cache.py)

    __table_args__ = {"sqlite_with_rowid": False}
