"""The `fieldnotes` command run as a subprocess: import, list, search, site, and how it fails."""

from __future__ import annotations

import hashlib
import os
import json
import sqlite3
from pathlib import Path

import pytest

import fieldnotes_desktop

from cli_helpers import Run, one_error_line

SUMMARY_KEYS = {"slug", "title", "status", "date", "category", "tags", "volume", "elevation", "updated_at"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def write_posts(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2024-06-01-north-ridge.md").write_text(
        "---\ntitle: The North Ridge\nstatus: finished\ncategory: Alps\ntags: [snow, rock]\n"
        "volume: 8\nelevation: 4478\n---\nWe climbed the ridge above the Hörnli hut & slept.\n",
        encoding="utf-8",
    )
    (folder / "2025-01-19-fastapi.md").write_text(
        "---\ntitle: FastAPI vs Django\ncategory: Backend\n---\nA comparison of two frameworks.\n",
        encoding="utf-8",
    )
    return folder


def dump(db: Path) -> list[str]:
    """Everything stored, as SQL, to compare before and after a failed command."""
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the basics ----------------------------------------------------------------------------


def test_version(run: Run) -> None:
    result = run("--version", use_db=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"fieldnotes {fieldnotes_desktop.__version__}"


def test_python_dash_m_shows_the_commands(run: Run) -> None:
    result = run("--help", use_db=False)
    assert result.returncode == 0
    for command in ("import", "list", "search", "export", "site"):
        assert command in result.stdout


def test_import_then_list_then_search(run: Run, tmp_path: Path) -> None:
    imported = run("import", str(write_posts(tmp_path / "posts")))
    assert imported.returncode == 0, imported.stderr
    assert "2 entries imported." in imported.stdout
    assert "north-ridge" in imported.stdout

    listed = run("list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("2025-01-19") and "fastapi" in lines[0]  # newest first
    assert lines[1].startswith("2024-06-01") and "The North Ridge" in lines[1]

    found = run("search", "hörnli")
    assert found.returncode == 0
    assert "north-ridge" in found.stdout and "<mark>" not in found.stdout
    assert "Hörnli hut & slept" in found.stdout  # plain text: no <mark>, no &amp;


def test_list_json_has_the_agreed_fields(run: Run, tmp_path: Path) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    result = run("list", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 2
    for row in rows:
        assert SUMMARY_KEYS <= set(row)
        assert "body" not in row
    ridge = next(r for r in rows if r["slug"] == "north-ridge")
    assert ridge == ridge | {
        "title": "The North Ridge", "status": "finished", "date": "2024-06-01", "category": "Alps",
        "tags": ["rock", "snow"], "volume": 8, "elevation": 4478,
    }
    assert ridge["updated_at"][:4].isdigit()


def test_list_status_filter(run: Run, tmp_path: Path) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    rows = json.loads(run("list", "--status", "draft", "--json").stdout)
    assert [r["slug"] for r in rows] == ["fastapi"]


def test_list_of_an_empty_database(run: Run) -> None:
    assert run("site", "--title", "Field Notes").returncode == 0  # starts the database
    result = run("list")
    assert result.returncode == 0 and "No entries yet" in result.stdout
    assert json.loads(run("list", "--json").stdout) == []


def test_search_json(run: Run, tmp_path: Path) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    rows = json.loads(run("search", "frame", "--json").stdout)
    assert [r["slug"] for r in rows] == ["fastapi"]
    assert SUMMARY_KEYS <= set(rows[0])
    assert "<mark>frameworks</mark>" in rows[0]["snippet"]
    assert json.loads(run("search", "nothing-like-this", "--json").stdout) == []


@pytest.mark.parametrize("query", ['"', "AND (", "*", "NEAR(", "title:", "-"])
def test_search_with_broken_syntax_succeeds(run: Run, tmp_path: Path, query: str) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    result = run("search", query, "--json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_site_shows_and_changes_settings(run: Run, tmp_path: Path) -> None:
    assert run("site", "--author", "Ana").returncode == 0  # a change may start the database
    shown = json.loads(run("site").stdout)
    assert shown["title"] == "Field Notes"
    now_file = tmp_path / "now.md"
    now_file.write_text("Walking the *Haute Route*.\n", encoding="utf-8")
    changed = run(
        "site", "--title", "High Notes", "--author", "Ana", "--role", "Engineer",
        "--location", "Lisbon", "--now-file", str(now_file), "--base-url", "https://example.com/blog",
    )
    assert changed.returncode == 0, changed.stderr
    site = json.loads(run("site").stdout)
    assert site == site | {
        "title": "High Notes", "author": "Ana", "role": "Engineer", "location": "Lisbon",
        "now_md": "Walking the *Haute Route*.\n", "base_url": "https://example.com/blog/",
    }


# -- user errors: exit 1, one line, nothing changed ----------------------------------------


def test_a_bad_file_fails_the_import_and_stores_nothing(run: Run, tmp_path: Path, db: Path) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    before = dump(db)
    bad = tmp_path / "more"
    (bad / "fine.md").parent.mkdir()
    (bad / "fine.md").write_text("# Fine\n", encoding="utf-8")
    (bad / "photo.md").write_bytes(PNG)
    line = one_error_line(run("import", str(bad)))
    assert "photo.md" in line and "PNG" in line
    assert dump(db) == before


def test_a_bad_date_fails_the_import(run: Run, tmp_path: Path, db: Path) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    before = dump(db)
    post = tmp_path / "dated.md"
    post.write_text("---\ntitle: When\ndate: 2025-02-30\n---\nx\n", encoding="utf-8")
    line = one_error_line(run("import", str(post)))
    assert "dated.md" in line and "date" in line
    other = tmp_path / "words.md"
    other.write_text("---\ntitle: When\ndate: sometime soon\n---\nx\n", encoding="utf-8")
    assert "words.md" in one_error_line(run("import", str(other)))
    assert dump(db) == before


def test_a_missing_file_fails_the_import(run: Run, tmp_path: Path) -> None:
    assert "nowhere.md" in one_error_line(run("import", str(tmp_path / "nowhere.md")))


def test_a_bad_base_url_changes_nothing(run: Run, db: Path) -> None:
    run("site", "--author", "Ana")
    before = dump(db)
    line = one_error_line(run("site", "--author", "Bob", "--base-url", "example.com"))
    assert "example.com" in line
    assert dump(db) == before


def test_a_missing_now_file(run: Run, tmp_path: Path) -> None:
    assert "gone.md" in one_error_line(run("site", "--now-file", str(tmp_path / "gone.md")))


def test_export_of_an_unknown_entry_is_a_user_error(run: Run, tmp_path: Path, db: Path) -> None:
    run("import", str(write_posts(tmp_path / "posts")))
    before = dump(db)
    one_error_line(run("export", "--out", str(tmp_path / "site"), "--entry", "no-such-slug"))
    assert dump(db) == before


def test_a_newer_database_is_refused_untouched(run: Run, db: Path) -> None:
    run("site", "--title", "Field Notes")
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_later'")
    connection.close()
    before = digest(db)
    for command in (("list",), ("search", "x"), ("site", "--title", "New"), ("import", "x.md")):
        line = one_error_line(run(*command))
        assert "newer" in line
    assert digest(db) == before


@pytest.mark.parametrize("content", [b"just some notes\n", PNG], ids=["text", "png"])
def test_a_file_that_is_not_a_database_is_refused_untouched(run: Run, db: Path, content: bytes) -> None:
    db.write_bytes(content)
    line = one_error_line(run("list"))
    assert str(db) in line
    assert db.read_bytes() == content


def test_a_damaged_database_is_refused_untouched(run: Run, db: Path) -> None:
    run("site", "--title", "Field Notes")
    raw = bytearray(db.read_bytes())
    raw[100:] = b"\x5a" * (len(raw) - 100)
    db.write_bytes(bytes(raw))
    one_error_line(run("list", "--json"))
    assert db.read_bytes() == bytes(raw)


# -- usage errors: exit 2 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("import",), ("frobnicate",), ("list", "--status", "published"), ("export",), ("search",),
     ("list", "--nope")],
)
def test_usage_errors_exit_2(run: Run, args: tuple[str, ...], db: Path) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr
    assert not db.exists()  # a usage error never opens the database


# -- where the database is -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [("list",), ("search", "ridge"), ("export", "--out", "site"), ("site",)]
)
def test_reading_a_database_that_does_not_exist_is_refused(
    run: Run, args: tuple[str, ...], db: Path, tmp_path: Path
) -> None:
    result = run(*args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "There is no database at" in result.stderr
    assert not db.exists()  # a mistyped --db creates nothing
    assert not (tmp_path / "site").exists()  # and publishes no empty site


def test_default_database_lives_in_the_user_data_folder(run: Run, cli_env: dict[str, str]) -> None:
    assert run("site", "--author", "Default", use_db=False).returncode == 0
    expected = Path(cli_env["XDG_DATA_HOME"]) / "fieldnotes-desktop" / "fieldnotes.db"
    assert expected.is_file()


def test_fieldnotes_db_variable_chooses_the_file_and_db_option_beats_it(
    run: Run, cli_env: dict[str, str], tmp_path: Path, db: Path
) -> None:
    from_env = tmp_path / "from-env.db"
    env = cli_env | {"FIELDNOTES_DB": str(from_env)}
    assert run("site", "--author", "Env", use_db=False, env=env).returncode == 0
    assert from_env.is_file()
    assert run("site", "--author", "Option", env=env).returncode == 0  # --db given too
    assert json.loads(run("site", use_db=False, env=env).stdout)["author"] == "Env"
    assert json.loads(run("site").stdout)["author"] == "Option"
    assert not (Path(cli_env["XDG_DATA_HOME"]) / "fieldnotes-desktop").exists()


def test_a_now_file_that_is_a_pipe_is_refused_not_waited_on(run: Run, tmp_path: Path, db: Path) -> None:
    run("site", "--title", "Notes")
    pipe = tmp_path / "now.md"
    os.mkfifo(pipe)
    line = one_error_line(run("site", "--now-file", str(pipe)))  # run() has a timeout: a hang fails
    assert "now.md" in line and "pipe" in line and "not changed" in line
