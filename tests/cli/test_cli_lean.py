"""What each command loads and how `list --json` writes: only what the command needs, the same bytes as ever."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes_desktop.cli.entries import summary_json
from fieldnotes_desktop.cli.json_out import write_array
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services

from cli_helpers import Run

HEAVY = ("sqlalchemy", "alembic", "markdown_it", "jinja2", "pygments", "nh3", "yaml", "rich")


def modules_loaded_by(cli_env: dict[str, str], *args: str) -> set[str]:
    """The top-level packages and our modules in `sys.modules` after the command ran in-process."""
    code = (
        "import sys\n"
        "from fieldnotes_desktop.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(' '.join(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=cli_env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split())  # after whatever the command printed


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    path = tmp_path / "shelf.db"
    services = open_services(path)
    for n, (title, tags) in enumerate([
        ("Über den Grat", ("snow", "rock")),
        ('A "quoted" title\\ with a backslash', ()),
        ("Tab\there, line\nbreak", ("ice",)),
        ("😀 emoji & <markup>", ("a", "b", "c")),
    ]):
        services.entries.create(EntryFields(
            title=title, body=f"moraine number {n}", tags=tags, summary="ß" * n,
            volume=n or None, elevation_m=None if n % 2 else 1200 + n, date=dt.date(2024, 1, 1 + n),
        ))  # fmt: skip
    services.close()
    return path


def test_version_loads_no_command_module(cli_env: dict[str, str]) -> None:
    loaded = modules_loaded_by(cli_env, "--version")
    assert not packages(loaded) & set(HEAVY)
    assert not {m for m in loaded if m.startswith(("fieldnotes_desktop.records", "fieldnotes_desktop.cli.entries"))}


def test_version_after_an_option_still_answers(run: Run) -> None:
    result = run("--version")  # `run` puts --db DB first
    assert result.returncode == 0 and result.stdout.startswith("fieldnotes ")


def test_help_wins_over_version(run: Run) -> None:
    result = run("--help", "--version", use_db=False)
    assert result.returncode == 0 and "COMMAND" in result.stdout


@pytest.mark.parametrize("as_json", [False, True])
def test_search_loads_neither_sqlalchemy_nor_the_renderer(cli_env: dict[str, str], shelf: Path, as_json: bool) -> None:
    loaded = modules_loaded_by(cli_env, "--db", str(shelf), "search", "moraine", *(["--json"] if as_json else []))
    assert not packages(loaded) & set(HEAVY)  # read with sqlite3 alone (store/plain_read.py)
    assert not {m for m in loaded if m.startswith(("fieldnotes_desktop.services", "fieldnotes_desktop.store.engine"))}


def test_search_of_a_file_it_doubts_goes_through_the_store(cli_env: dict[str, str], shelf: Path) -> None:
    with contextlib.closing(sqlite3.connect(shelf)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0002'")  # an older revision
    result = subprocess.run(
        [sys.executable, "-m", "fieldnotes_desktop", "--db", str(shelf), "search", "moraine"],
        capture_output=True, text=True, env=cli_env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1 and "older version" in result.stderr


def test_list_loads_neither_alembic_nor_the_renderer(cli_env: dict[str, str], shelf: Path) -> None:
    loaded = modules_loaded_by(cli_env, "--db", str(shelf), "list", "--json")
    assert not packages(loaded) & {"alembic", "markdown_it", "jinja2", "pygments", "nh3"}
    assert "fieldnotes_desktop.export" not in loaded and "fieldnotes_desktop.render" not in loaded


def test_list_json_is_the_array_json_dumps_would_write(run: Run, db: Path, shelf: Path) -> None:
    services = open_services(shelf, read_only=True)
    try:
        expected = json.dumps([summary_json(e) for e in services.entries.list_summaries()], ensure_ascii=False, indent=2)
    finally:
        services.close()
    db.write_bytes(shelf.read_bytes())
    result = run("list", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected + "\n"
    assert len(json.loads(result.stdout)) == 4


def test_the_stream_keeps_the_list_order_and_filter(shelf: Path) -> None:
    from fieldnotes_desktop.records import EntryFilter

    services = open_services(shelf)
    try:
        services.entries.trash(services.entries.list_summaries()[0].id)
        for entry_filter in (EntryFilter(), EntryFilter(trashed=True), EntryFilter(tag="snow"), EntryFilter(status="finished")):
            assert list(services.entries.stream_summaries(entry_filter)) == services.entries.list_summaries(entry_filter)
    finally:
        services.close()


@pytest.mark.parametrize("count", [0, 1, 3])
def test_write_array_matches_json_dumps(count: int) -> None:
    values: list[object] = [None, 0, -7, 2.5, 1e300, True, False, "", 'q"uo\\te\n\t\x01', "ünï ✓ \u2028 😀", [], ["a"], ["b", 'c"', "é"]]
    rows = [{f"k{i}": values[(i + n) % len(values)] for i in range(len(values))} for n in range(count)]
    out = io.StringIO()
    write_array(rows, out)
    assert out.getvalue() == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
