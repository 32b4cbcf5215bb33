"""The tests' throw-away PostgreSQL cluster: a password over TCP, stop and start, a fresh database each."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import TupleRow

from pg_cluster import PgCluster


def _connect(url: str, autocommit: bool = False) -> psycopg.Connection[TupleRow]:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=5, autocommit=autocommit)


def test_the_cluster_answers_over_tcp_with_the_password_and_only_on_loopback(pg_cluster: PgCluster) -> None:
    url = pg_cluster.new_database()
    assert url.startswith(f"postgresql+psycopg://writer@127.0.0.1:{pg_cluster.port}/fresh_")
    assert os.environ["PGPASSWORD"] == pg_cluster.password
    with _connect(url) as db:
        assert db.execute("SELECT 1").fetchone() == (1,)
        # Over TCP, not the trusted unix socket; and no other address to reach it by.
        assert db.execute("SELECT inet_server_addr()::text").fetchone() == ("127.0.0.1/32",)
        assert db.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert db.execute("SELECT current_user").fetchone() == ("writer",)


def test_a_wrong_or_missing_password_is_refused(pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSWORD", "not-" + pg_cluster.password)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _connect(url)
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):
        _connect(url)


def test_stop_cuts_connections_off_and_start_brings_the_same_server_back(pg_cluster: PgCluster) -> None:
    url = pg_cluster.new_database()
    with _connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE kept (word text)")
        db.execute("INSERT INTO kept VALUES ('cairn')")
    port = pg_cluster.port
    open_one = _connect(url)
    pg_cluster.stop()
    try:
        with pytest.raises(psycopg.OperationalError):
            open_one.execute("SELECT 1")
        with pytest.raises(psycopg.OperationalError, match="(?i)connection refused"):
            _connect(url)
    finally:
        open_one.close()
        pg_cluster.start()
    assert pg_cluster.port == port
    with _connect(url) as db:
        assert db.execute("SELECT word FROM kept").fetchall() == [("cairn",)]


def test_two_new_databases_are_distinct_and_empty(pg_cluster: PgCluster) -> None:
    first, second = pg_cluster.new_database(), pg_cluster.new_database()
    assert first != second
    with _connect(first, autocommit=True) as db:
        db.execute("CREATE TABLE only_in_first (n int)")
    for url, tables in ((first, [("only_in_first",)]), (second, [])):
        with _connect(url) as db:
            assert db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall() == tables
            assert db.execute("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database "
                              "WHERE datname = current_database()").fetchone() == ("writer",)


def test_a_dropped_database_is_gone_even_with_a_connection_left_open(pg_cluster: PgCluster) -> None:
    url = pg_cluster.new_database()
    left_open = _connect(url)
    pg_cluster.drop_database(url)
    left_open.close()
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        _connect(url)


def test_desk_location_is_a_sqlite_file_or_a_fresh_database(desk_backend: str, desk_location: Path | str) -> None:
    if desk_backend == "sqlite":
        assert isinstance(desk_location, Path) and desk_location.name == "fieldnotes.db"
        assert not desk_location.exists()
    else:
        assert isinstance(desk_location, str)
        with _connect(desk_location) as db:
            assert db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_a_cluster_runs_as_an_unprivileged_account_when_the_tests_run_as_root(pg_cluster: PgCluster) -> None:
    owner = Path(pg_cluster.data).stat().st_uid
    if os.geteuid() == 0:
        assert owner != 0
    else:
        assert owner == os.geteuid()
