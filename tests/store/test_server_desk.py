"""A desk on a real PostgreSQL server: opening, the refusals, the password, search, change notices."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import psycopg
import pytest

from fieldnotes_desktop.config import location_of
from fieldnotes_desktop.errors import DatabaseError, EntryConflict, ServerUnreachable
from fieldnotes_desktop.location import ServerDesk
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.store import open_store
from fieldnotes_desktop.store.engine import head_revision


def _plain(url: str) -> str:
    """The address as libpq takes it, for reaching behind the app's back."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _tables(url: str) -> set[str]:
    with psycopg.connect(_plain(url)) as db:
        return {row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.fixture
def desk(pg_url: str) -> Iterator[Services]:
    opened = open_services(pg_url)
    yield opened
    opened.close()


def test_a_new_desk_is_made_in_an_empty_database_and_reopens_at_the_head_revision(pg_url: str) -> None:
    store = open_store(pg_url)
    assert store.on_server and store.where == location_of(pg_url).shown
    store.close()
    assert {"entries", "revisions", "alembic_version", "fieldnotes_desk"} <= _tables(pg_url)
    with psycopg.connect(_plain(pg_url)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
    open_store(pg_url, read_only=True).close()


def test_another_programs_database_is_refused_and_left_as_it_was(pg_url: str) -> None:
    with psycopg.connect(_plain(pg_url)) as db:
        db.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
        db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    with pytest.raises(DatabaseError, match="another program's tables"):
        open_store(pg_url)
    assert _tables(pg_url) == {"invoices"}


def test_a_desk_of_a_newer_version_is_refused_unchanged(pg_url: str) -> None:
    open_store(pg_url).close()
    with psycopg.connect(_plain(pg_url)) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(DatabaseError, match="newer version"):
        open_store(pg_url)
    with psycopg.connect(_plain(pg_url)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999_from_the_future",)]


def test_read_only_and_no_create_do_not_start_a_desk_in_an_empty_database(pg_url: str) -> None:
    with pytest.raises(DatabaseError, match="empty, not yet a Field Notes desk"):
        open_store(pg_url, read_only=True)
    with pytest.raises(DatabaseError, match="empty, not yet a Field Notes desk"):
        open_store(pg_url, create=False)
    assert _tables(pg_url) == set()


def test_a_wrong_password_is_one_sentence_that_never_shows_it(
    pg_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD")
    wrong = pg_url.replace("writer@", "writer:Sesame-7731@")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DatabaseError) as refused:
        open_store(wrong)
    assert "right password" in str(refused.value)
    assert "Sesame-7731" not in str(refused.value)
    assert "Sesame-7731" not in repr(location_of(wrong))
    assert "Sesame-7731" not in caplog.text


def test_the_keyring_gives_the_password_libpq_found_nowhere(
    pg_url: str, pg_cluster: object, monkeypatch: pytest.MonkeyPatch, memory_keyring: object
) -> None:
    import keyring

    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    desk = location_of(pg_url)
    assert isinstance(desk, ServerDesk)
    with pytest.raises(DatabaseError, match="right password"):
        open_store(desk)
    keyring.set_password("fieldnotes-desktop", desk.keyring_name, pg_cluster.password)  # type: ignore[attr-defined]
    open_store(desk).close()


def test_an_unreachable_server_is_told_in_bounded_time(tmp_path: object) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="cannot be reached"):
        open_store(f"postgresql+psycopg://writer@127.0.0.1:{port}/fieldnotes")
    assert time.monotonic() - started < 10


def test_a_missing_database_says_how_to_make_it(pg_url: str) -> None:
    missing = pg_url.rsplit("/", 1)[0] + "/no_such_desk"
    with pytest.raises(DatabaseError, match="no database named no_such_desk; create it"):
        open_store(missing)


def test_a_save_based_on_an_older_version_is_refused_by_the_database(pg_url: str) -> None:
    mine, theirs = open_services(pg_url), open_services(pg_url)
    try:
        entry = mine.entries.create(EntryFields(title="Shared", body="first"))
        seen = theirs.entries.get(entry.id)
        mine.entries.update(entry.id, EntryFields(body="mine"), base_version=entry.version)
        with pytest.raises(EntryConflict) as refused:
            theirs.entries.update(entry.id, EntryFields(body="theirs"), base_version=seen.version)
        assert refused.value.stored.body == "mine"
        assert mine.entries.get(entry.id).body == "mine"
    finally:
        mine.close()
        theirs.close()


def test_other_writers_commits_move_the_change_count_and_ours_do_not(pg_url: str) -> None:
    mine, theirs = open_services(pg_url), open_services(pg_url)
    try:
        entry = mine.entries.create(EntryFields(title="Counted"))
        before = mine.store.data_version()
        mine.entries.update(entry.id, EntryFields(body="my own"), base_version=entry.version)
        time.sleep(0.5)
        assert mine.store.data_version() == before
        theirs.entries.update(entry.id, EntryFields(body="theirs"), base_version=entry.version + 1)
        deadline = time.monotonic() + 2
        while mine.store.data_version() == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mine.store.data_version() != before
    finally:
        mine.close()
        theirs.close()


HOSTILE = ["", "   ", '"', '"""', "(((", ")", "*", ":*", "a:*&|!", "-", "- -", "NOT", "OR OR", "AND (",
           "'; DROP TABLE entries; --", "\\", "\x00", "é" * 3000, "word " * 500, "<>!@#$%^&*()", "🦕 🦖"]


@pytest.mark.parametrize("typed", HOSTILE, ids=range(len(HOSTILE)))
def test_no_typed_query_can_raise(desk: Services, typed: str) -> None:
    desk.entries.create(EntryFields(title="Ridge", body="We walked the ridge at dawn."))
    assert isinstance(desk.entries.search(typed), list)


def test_search_finds_words_and_the_prefix_being_typed_ranked_with_marked_snippets(desk: Services) -> None:
    title = desk.entries.create(EntryFields(title="Ridge walking", body="Notes from the high trail."))
    body = desk.entries.create(EntryFields(title="Dawn", body="We crossed the ridge before sunrise, <b>cold</b>."))
    desk.entries.create(EntryFields(title="Harbour", body="Nothing about hills here."))
    hits = desk.entries.search("ridge")
    assert [hit.entry.id for hit in hits] == [title.id, body.id]  # the title weighs more
    assert all(hit.rank is not None for hit in hits)
    assert "<mark>ridge</mark>" in hits[1].snippet and "<b>" not in hits[1].snippet
    assert [hit.entry.id for hit in desk.entries.search("sunri")] == [body.id]
    assert desk.entries.search("sunri ") == []  # a finished word is a whole word
    assert [hit.entry.id for hit in desk.entries.search('"ridge before"')] == [body.id]
    desk.entries.trash(body.id)
    assert [hit.entry.id for hit in desk.entries.search("ridge")] == [title.id]

