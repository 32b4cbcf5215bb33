"""Importing Markdown files and folders: front matter, encodings, refusals, all-or-nothing runs."""

from __future__ import annotations

import datetime as dt
import sqlite3
import textwrap
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import EntryFilter
from fieldnotes_desktop.services import Services

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return path


def import_one(services: Services, path: Path):  # type: ignore[no-untyped-def]
    (summary,) = services.imports.import_paths([path]).created
    return services.entries.get(summary.id)


def entry_count(services: Services) -> int:
    db = sqlite3.connect(services.db_path)
    try:
        return int(db.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        db.close()


# -- front matter --------------------------------------------------------------------------


def test_every_front_matter_key_of_the_design_is_honoured(services: Services, tmp_path: Path) -> None:
    path = write(
        tmp_path / "whatever.md",
        """\
        ---
        title: "FastAPI vs Django: a field report"
        slug: fastapi-vs-django
        date: 2025-01-19
        category: Backend
        tags: [python, web]
        status: finished
        volume: 8
        elevation: 8200
        summary: Two frameworks, one weekend.
        reading_minutes: 8
        ---
        Every comparison starts somewhere.
        """,
    )
    entry = import_one(services, path)
    assert entry.title == "FastAPI vs Django: a field report"
    assert entry.slug == "fastapi-vs-django"
    assert entry.date == dt.date(2025, 1, 19)
    assert entry.category == "Backend"
    assert entry.tags == ("python", "web")
    assert entry.status == "finished"
    assert (entry.volume, entry.elevation_m, entry.reading_minutes) == (8, 8200, 8)
    assert entry.summary == "Two frameworks, one weekend."
    assert entry.body == "Every comparison starts somewhere.\n"
    assert entry.words == 4


@pytest.mark.parametrize(
    ("front", "category", "tags"),
    [
        ("categories: [Travel, Alps]\ntags: [snow, ice]", "Travel", ("Alps", "ice", "snow")),
        ("categories: Travel, Alps\ntags: snow, ice", "Travel", ("Alps", "ice", "snow")),
        ("category: Travel\ntags: 'snow,ice , '", "Travel", ("ice", "snow")),
        ("tags:\n  - snow\n  - 2024", "", ("2024", "snow")),
    ],
)
def test_categories_and_tags_as_lists_or_comma_strings(
    services: Services, tmp_path: Path, front: str, category: str, tags: tuple[str, ...]
) -> None:
    path = tmp_path / "post.md"
    path.write_text(f"---\ntitle: T\n{front}\n---\nbody\n", encoding="utf-8")
    entry = import_one(services, path)
    assert entry.category == category
    assert entry.tags == tags


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-19", dt.date(2025, 1, 19)),  # YAML date
        ("2025-01-19 22:30:00", dt.date(2025, 1, 19)),  # YAML datetime
        ("2025-01-19T06:00:00Z", dt.date(2025, 1, 19)),
        ("2014-11-05 10:48:22 -0800", dt.date(2014, 11, 5)),  # Jekyll, a string to YAML
        ("'2014-11-05 23:48 +0200'", dt.date(2014, 11, 5)),
        ("'2016-03-04'", dt.date(2016, 3, 4)),
        ("2016/03/04", dt.date(2016, 3, 4)),
    ],
)
def test_dates_in_the_forms_blogs_write_them(
    services: Services, tmp_path: Path, value: str, expected: dt.date
) -> None:
    path = tmp_path / "dated.md"
    path.write_text(f"---\ntitle: Dated\ndate: {value}\n---\ntext\n", encoding="utf-8")
    assert import_one(services, path).date == expected


def test_jekyll_file_names_give_date_and_slug(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path / "2014-11-05-crossing-the-pass.md", "---\ntitle: Crossing\n---\nText.\n")
    entry = import_one(services, path)
    assert entry.date == dt.date(2014, 11, 5)
    assert entry.slug == "crossing-the-pass"


def test_front_matter_wins_over_the_jekyll_name(services: Services, tmp_path: Path) -> None:
    path = write(
        tmp_path / "2014-11-05-old-name.md", "---\ntitle: X\nslug: new-name\ndate: 2020-02-02\n---\n"
    )
    entry = import_one(services, path)
    assert (entry.slug, entry.date) == ("new-name", dt.date(2020, 2, 2))


def test_front_matter_after_leading_blank_lines(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "blank-first.md"
    path.write_text("\n\n   \n---\ntitle: Found it\nstatus: finished\n---\nBody.\n", encoding="utf-8")
    entry = import_one(services, path)
    assert (entry.title, entry.status, entry.body) == ("Found it", "finished", "Body.\n")


def test_without_front_matter_the_heading_or_file_name_gives_the_title(
    services: Services, tmp_path: Path
) -> None:
    headed = import_one(services, write(tmp_path / "a.md", "# The North Ridge\n\nWe went.\n"))
    assert (headed.title, headed.body) == ("The North Ridge", "We went.\n")
    named = import_one(services, write(tmp_path / "base_camp-notes.md", "Just text.\n"))
    assert named.title == "Base camp notes"


def test_missing_status_means_draft(services: Services, tmp_path: Path) -> None:
    entry = import_one(services, write(tmp_path / "p.md", "---\ntitle: No status\n---\nx\n"))
    assert entry.status == "draft"


@pytest.mark.parametrize(("front", "status"), [("published: false", "draft"), ("status: published", "finished")])
def test_other_blogs_status_words(services: Services, tmp_path: Path, front: str, status: str) -> None:
    entry = import_one(services, write(tmp_path / "p.md", f"---\ntitle: S\n{front}\n---\nx\n"))
    assert entry.status == status


# -- encodings -----------------------------------------------------------------------------

TEXT = "---\ntitle: Ça va, Zürich — 東京\n---\nÉtape über den Pass.\n"


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_text_encodings(services: Services, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "enc.md"
    path.write_bytes(raw)
    entry = import_one(services, path)
    assert entry.title == "Ça va, Zürich — 東京"
    assert entry.body == "Étape über den Pass.\n"
    assert "\ufeff" not in entry.title + entry.body


def test_windows_line_endings(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(b"---\r\ntitle: CRLF\r\nstatus: finished\r\n---\r\nLine one.\r\n")
    entry = import_one(services, path)
    assert (entry.title, entry.status) == ("CRLF", "finished")


# -- refusals: nothing of the run is stored -------------------------------------------------

BAD_FILES = {
    "binary.md": (b"\x00\x01\x02\x03 not text \x00\xff", "binary"),
    "photo.md": (PNG, "PNG"),
    "utf32.md": (b"\xff\xfe\x00\x00" + "---\ntitle: X\n---\nx\n".encode("utf-32-le"), "UTF-32"),
    "latin1.md": ("---\ntitle: Café\n---\nÉté\n".encode("latin-1"), "UTF-8"),
    "bad-date.md": (b"---\ntitle: X\ndate: 2025-13-45\n---\nx\n", "date"),
    "worse-date.md": (b"---\ntitle: X\ndate: next tuesday\n---\nx\n", "date"),
    "bad-yaml.md": (b"---\ntitle: [unclosed\n---\nx\n", "YAML"),
    "bad-status.md": (b"---\ntitle: X\nstatus: maybe\n---\nx\n", "status"),
    "bad-volume.md": (b"---\ntitle: X\nvolume: eight\n---\nx\n", "volume"),
    "high-volume.md": (b"---\ntitle: X\nvolume: 100\n---\nx\n", "volume"),
    "too-high.md": (b"---\ntitle: X\nelevation: 12000\n---\nx\n", "elevation"),
    "list.md": (b"---\n- a\n- b\n---\nx\n", "key: value"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_in_a_folder_stops_the_whole_run(services: Services, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "posts"
    for n in range(3):
        write(folder / f"good-{n}.md", f"---\ntitle: Good {n}\n---\nFine.\n")
    raw, reason = BAD_FILES[name]
    (folder / "zz" ).mkdir(parents=True)
    (folder / "zz" / name).write_bytes(raw)  # last, so the good ones come first

    with pytest.raises(ImportFailed) as caught:
        services.imports.import_paths([folder])

    message = str(caught.value)
    assert name in message
    assert reason.lower() in message.lower()
    assert "\n" not in message
    assert entry_count(services) == 0


def test_an_error_while_storing_rolls_back_entries_already_added(services: Services, tmp_path: Path) -> None:
    # Both files parse; the second only fails when stored (volume out of range), after the
    # first was already added in the same transaction.
    first = write(tmp_path / "a.md", "---\ntitle: A\n---\nx\n")
    second = write(tmp_path / "b.md", "---\ntitle: B\nvolume: 120\n---\nx\n")
    with pytest.raises(ImportFailed):
        services.imports.import_paths([first, second])
    assert entry_count(services) == 0
    assert services.assets.list() == []


def test_a_missing_path_or_an_empty_folder_is_refused(services: Services, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        services.imports.import_paths([tmp_path / "nope"])
    assert "nope" in str(caught.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFailed):
        services.imports.import_paths([tmp_path / "empty"])


def test_a_failed_import_leaves_earlier_entries_alone(services: Services, tmp_path: Path) -> None:
    services.imports.import_paths([write(tmp_path / "keep.md", "---\ntitle: Keep\n---\nx\n")])
    (tmp_path / "broken.md").write_bytes(PNG)
    with pytest.raises(ImportFailed):
        services.imports.import_paths([tmp_path / "broken.md"])
    assert [e.title for e in services.entries.list_summaries()] == ["Keep"]


# -- folders, slugs, images ----------------------------------------------------------------


def test_folders_are_imported_recursively_skipping_hidden_and_non_markdown(
    services: Services, tmp_path: Path
) -> None:
    root = tmp_path / "blog"
    write(root / "top.md", "# Top\n")
    write(root / "2019" / "deep" / "nested.markdown", "# Nested\n")
    write(root / "2019" / "notes.txt", "# Notes\n")
    write(root / ".git" / "hidden.md", "# Hidden\n")
    write(root / ".draft.md", "# Dotfile\n")
    (root / "image.png").write_bytes(PNG)
    report = services.imports.import_paths([root])
    assert sorted(e.title for e in report.created) == ["Nested", "Notes", "Top"]
    assert entry_count(services) == 3


def test_slugs_collide_into_suffixes_within_a_run_and_with_stored_entries(
    services: Services, tmp_path: Path
) -> None:
    services.imports.import_paths([write(tmp_path / "one" / "a.md", "---\ntitle: Same\n---\n")])
    write(tmp_path / "two" / "a.md", "---\ntitle: Same\n---\n")
    write(tmp_path / "two" / "b.md", "---\ntitle: Same\n---\n")
    report = services.imports.import_paths([tmp_path / "two"])
    assert [e.slug for e in report.created] == ["same-2", "same-3"]


def test_images_beside_the_file_are_stored_as_assets(services: Services, tmp_path: Path) -> None:
    post = write(
        tmp_path / "trip" / "post.md",
        "---\ntitle: Trip\n---\n![Summit](images/summit.png)\n![Remote](https://example.com/x.png)\n"
        "![Missing](images/missing.png)\n",
    )
    (tmp_path / "trip" / "images").mkdir()
    (tmp_path / "trip" / "images" / "summit.png").write_bytes(PNG)

    report = services.imports.import_paths([post])

    assert report.assets == 1
    (asset,) = services.assets.list()
    assert (asset.filename, asset.mime, asset.size) == ("summit.png", "image/png", len(PNG))
    assert services.assets.data(asset.sha256) == PNG
    assert services.assets.find("images/summit.png") == asset
    assert any("missing.png" in warning for warning in report.skipped)
    assert not any("example.com" in warning for warning in report.skipped)


def test_an_image_name_already_taken_by_other_bytes_is_renamed_and_the_body_follows(
    services: Services, tmp_path: Path
) -> None:
    services.assets.add("summit.png", PNG + b"other")
    post = write(tmp_path / "post.md", "---\ntitle: Trip\n---\n![Summit](img/summit.png)\n")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "summit.png").write_bytes(PNG)
    (summary,) = services.imports.import_paths([post]).created
    stored = services.assets.find(f"{PNG_SHA[:12]}")
    assert stored is not None and stored.filename != "summit.png"
    assert f"(assets/{stored.filename})" in services.entries.get(summary.id).body


PNG_SHA = __import__("hashlib").sha256(PNG).hexdigest()


def test_progress_is_reported_per_file(services: Services, tmp_path: Path) -> None:
    write(tmp_path / "a.md", "# A\n")
    write(tmp_path / "b.md", "# B\n")
    seen: list[tuple[int, int, str]] = []
    services.imports.import_paths([tmp_path], progress=lambda d, t, n: seen.append((d, t, n)))
    assert seen == [(1, 2, "a.md"), (2, 2, "b.md")]


def test_imported_entries_are_listed_and_searchable(services: Services, tmp_path: Path) -> None:
    write(tmp_path / "a.md", "---\ntitle: Karakoram\nstatus: finished\n---\nThe Baltoro glacier.\n")
    services.imports.import_paths([tmp_path])
    assert [e.title for e in services.entries.list_summaries(EntryFilter(status="finished"))] == ["Karakoram"]
    assert [h.entry.title for h in services.entries.search("baltoro")] == ["Karakoram"]


def test_the_blank_lines_after_the_front_matter_are_not_kept(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "gap.md"
    path.write_text("---\ntitle: Gap\n---\n\n\n    indented code stays indented\n", encoding="utf-8")
    assert import_one(services, path).body == "    indented code stays indented\n"
