"""`fieldnotes check` through the real `main()`: one line per finding and a summary, JSON, exit codes, read-only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from fieldnotes_desktop.cli import main
from fieldnotes_desktop.records import DRAFT, FINISHED, EntryFields
from fieldnotes_desktop.services import open_services


def seed(db: Path, *bodies: tuple[str, str], base_url: str = "https://notes.example.org/") -> None:
    """Finished entries (slug, body) with summaries, on a site with `base_url`."""
    services = open_services(db)
    try:
        if base_url:
            services.site.update(base_url=base_url)
        for slug, body in bodies:
            services.entries.create(EntryFields(title=slug.replace("-", " ").title(), slug=slug, body=body,
                                                status=FINISHED, summary="A day out."))
    finally:
        services.close()


def check(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_clean_desk_exits_0_and_says_so(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db, ("ridge-day", "## Camp\n\nUp.\n"), ("valley-walk", "After [the camp](../ridge-day/#camp).\n"))
    assert check(db, capsys) == (0, "No problems found in 2 entries.\n", "")


def test_findings_are_one_line_each_then_a_summary_and_an_error_exits_1(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(db, ("why-i-keep-field-notes", "# Why\n\nSee the [old post](../old-post/).\n\n![](https://example.org/a.png)\n"))
    code, out, err = check(db, capsys)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "error  why-i-keep-field-notes:3  Link to “old-post” on line 3 leads to no entry; "
        "fix the slug or remove the link.",
        "warning  why-i-keep-field-notes:5  The image “a.png” on line 5 has no alt text that says what it shows; "
        "describe it for readers who cannot see it.",
        "1 error and 1 warning in 1 entry.",
    ]


def test_warnings_alone_exit_0_and_a_site_wide_one_names_the_site(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db, ("ridge-day", "Up.\n"), base_url="")
    code, out, _err = check(db, capsys)
    assert code == 0
    first, summary = out.splitlines()
    assert first.startswith("warning  (site)  The site has no address")
    assert summary == "0 errors and 1 warning in 1 entry."


def test_json_is_an_array_of_findings(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db, ("ridge-day", "A [draft](../next-trip/).\n"), ("empty", "Nothing [here](#nope).\n"))
    services = open_services(db)
    services.entries.create(EntryFields(title="Next trip", slug="next-trip", status=DRAFT))
    services.close()
    code, out, _err = check(db, capsys, "--json")
    assert code == 1
    found = json.loads(out)
    assert [(f["level"], f["code"], f["slug"], f["line"]) for f in found] == [
        ("error", "broken-link", "empty", 1),
        ("error", "link-to-draft", "ridge-day", 1),
    ]
    assert set(found[0]) == {"level", "code", "slug", "entry_id", "line", "message"}
    assert all(isinstance(f["entry_id"], int) and f["message"].endswith(".") for f in found)


def test_json_of_a_clean_desk_is_an_empty_array(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db, ("ridge-day", "Up.\n"))
    code, out, _err = check(db, capsys, "--json")
    assert (code, json.loads(out)) == (0, [])


def test_check_reads_only(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(db, ("ridge-day", "[gone](../gone/)\n"))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert check(db, capsys)[0] == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    missing = tmp_path / "no-such.db"
    code, out, err = check(missing, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("fieldnotes: ") and len(err.splitlines()) == 1
    assert not missing.exists()


def test_export_prints_the_findings_before_its_summary_and_still_exports(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(db, ("ridge-day", "A [broken](../nowhere/) link.\n"))
    code = main(["--db", str(db), "export", "--out", str(tmp_path / "site")])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines() == [
        "error: ridge-day:1  Link to “nowhere” on line 1 leads to no entry; fix the slug or remove the link."
    ]
    assert out.startswith("Exported ") and " 0 warnings " in out
    assert (tmp_path / "site" / "ridge-day" / "index.html").is_file()
