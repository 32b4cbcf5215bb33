"""The Markdown export: every field in the front matter, images beside, both layouts, and back in again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from fieldnotes_desktop.errors import ExportCancelled, ExportFailed
from fieldnotes_desktop.export.markdown_folder import MARKER
from fieldnotes_desktop.records import Entry, EntryFields, EntrySummary
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
FULL_BODY = (
    "The col was still in cloud at seven.\n\n"
    "![summit](assets/summit.png)\n\n"
    "## Later\n\n"
    "Tea at the hut, then down by the moraine: “the long way”.\n\n"
    "```text\n![not an image](assets/summit.png)\n```\n"
)
# Not compared after the round trip: the database makes these itself.
OWN = {"id", "uuid", "created_at", "updated_at", "version"}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Services]:
    """A finished entry with every field set and an image, a draft with only the needed ones."""
    services = open_services(tmp_path / "desk.db")
    services.assets.add("summit.png", PNG)
    services.assets.add("cover-photo.png", PNG + b"\0")
    services.entries.create(EntryFields(
        title="Over the col: a “long” day", slug="over-the-col", body=FULL_BODY,
        summary="Cloud at seven, tea at three.", category="Mountains", status="finished",
        date=dt.date(2025, 1, 19), volume=8, elevation_m=3250, reading_minutes=4, tags=("alps", "ice"),
        language="de", word_goal=1200, cover="cover-photo.png", author="Ines Okafor",
        aliases=("/2019/05/old-col/", "/notes/col.html"), published_time="07:30:00+01:00",
    ))  # fmt: skip
    services.entries.create(EntryFields(
        title="Half a thought", slug="half-a-thought", body="Only a line so far.\n", status="draft",
        date=dt.date(2025, 2, 1),
    ))  # fmt: skip
    yield services
    services.close()


def exported(services: Services, out: Path, layout: str) -> Path:
    services.markdown_exports.export(MarkdownExportOptions(out=out, layout=layout))
    return out


def split(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n\n")
    return yaml.safe_load(head), body


def by_slug(services: Services) -> dict[str, Entry]:
    return {s.slug: services.entries.get(s.id) for s in services.entries.list_summaries()}


def fields_of(entry: Entry) -> dict[str, object]:
    names = [*EntrySummary.__dataclass_fields__, *Entry.__dataclass_fields__]
    return {name: getattr(entry, name) for name in dict.fromkeys(names) if name not in OWN}


# -- the files -------------------------------------------------------------------------------


def test_hugo_writes_page_bundles_with_every_field_and_the_images_beside(desk: Services, tmp_path: Path) -> None:
    out = exported(desk, tmp_path / "site", "hugo")
    meta, body = split(out / "content/posts/over-the-col/index.md")
    assert meta == {
        "title": "Over the col: a “long” day", "slug": "over-the-col",
        "date": dt.datetime(2025, 1, 19, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "status": "finished", "category": "Mountains", "tags": ["alps", "ice"],
        "summary": "Cloud at seven, tea at three.", "volume": 8, "elevation": 3250, "reading_minutes": 4,
        "language": "de", "word_goal": 1200, "cover": "cover-photo.png", "author": "Ines Okafor",
        "aliases": ["/2019/05/old-col/", "/notes/col.html"],
    }  # fmt: skip
    assert "date: 2025-01-19T07:30:00+01:00\n" in (out / "content/posts/over-the-col/index.md").read_text()
    # the image re-pointed beside the page; the same text inside a code block left as it was
    assert body == FULL_BODY.replace("(assets/summit.png)\n\n##", "(summit.png)\n\n##")
    assert (out / "content/posts/over-the-col/summit.png").read_bytes() == PNG
    assert (out / "content/posts/over-the-col/cover-photo.png").read_bytes() == PNG + b"\0"
    draft, draft_body = split(out / "content/posts/half-a-thought/index.md")
    assert draft == {"title": "Half a thought", "slug": "half-a-thought", "date": dt.date(2025, 2, 1),
                     "status": "draft", "draft": True}
    assert draft_body == "Only a line so far.\n"


def test_jekyll_writes_posts_drafts_apart_and_images_under_assets(desk: Services, tmp_path: Path) -> None:
    out = exported(desk, tmp_path / "site", "jekyll")
    meta, body = split(out / "_posts/2025-01-19-over-the-col.md")
    assert meta["redirect_from"] == ["/2019/05/old-col/", "/notes/col.html"]
    assert "aliases" not in meta
    assert meta["cover"] == "/assets/cover-photo.png"
    assert {k: meta[k] for k in ("title", "slug", "status", "language", "word_goal", "author", "elevation")} == {
        "title": "Over the col: a “long” day", "slug": "over-the-col", "status": "finished",
        "language": "de", "word_goal": 1200, "author": "Ines Okafor", "elevation": 3250,
    }  # fmt: skip
    assert "![summit](/assets/summit.png)" in body
    assert (out / "assets/summit.png").read_bytes() == PNG
    draft, _ = split(out / "_drafts/half-a-thought.md")
    assert draft["status"] == "draft" and "draft" not in draft and "published" not in draft
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MARKER, "_drafts/half-a-thought.md", "_posts/2025-01-19-over-the-col.md",
        "assets/cover-photo.png", "assets/summit.png",
    ]  # fmt: skip


def test_a_body_jekyll_would_run_as_liquid_says_so(desk: Services, tmp_path: Path) -> None:
    entry = desk.entries.get_by_slug("half-a-thought")
    desk.entries.update(entry.id, EntryFields(body="Templates print `{{ page.title }}`.\n"))
    meta, _ = split(exported(desk, tmp_path / "site", "jekyll") / "_drafts/half-a-thought.md")
    assert meta["render_with_liquid"] is False


def test_a_time_yaml_would_read_otherwise_is_quoted(desk: Services, tmp_path: Path) -> None:
    entry = desk.entries.get_by_slug("half-a-thought")
    desk.entries.update(entry.id, EntryFields(published_time="07:30Z"))
    text = (exported(desk, tmp_path / "site", "hugo") / "content/posts/half-a-thought/index.md").read_text()
    assert "date: '2025-02-01T07:30Z'\n" in text


# -- the folder ------------------------------------------------------------------------------


def test_a_folder_not_ours_is_refused_and_left_alone(desk: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ExportFailed, match="is not empty and holds no earlier Markdown export"):
        exported(desk, out, "hugo")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_another_layout_is_refused_in_a_folder_of_one(desk: Services, tmp_path: Path) -> None:
    out = exported(desk, tmp_path / "site", "hugo")
    with pytest.raises(ExportFailed, match="holds a Hugo export; export the Jekyll layout into another folder"):
        exported(desk, out, "jekyll")


def test_exporting_again_changes_only_what_changed_and_keeps_the_writers_files(
    desk: Services, tmp_path: Path
) -> None:
    out = exported(desk, tmp_path / "site", "hugo")
    (out / "hugo.toml").write_text("title = 'mine'\n")
    again = desk.markdown_exports.export(MarkdownExportOptions(out=out, layout="hugo"))
    assert (again.changed, again.removed) == (0, 0)
    entry = desk.entries.get_by_slug("half-a-thought")
    desk.entries.update(entry.id, EntryFields(slug="a-whole-thought"))
    renamed = desk.markdown_exports.export(MarkdownExportOptions(out=out, layout="hugo"))
    assert (renamed.changed, renamed.removed) == (1, 1)
    assert not (out / "content/posts/half-a-thought").exists()  # the empty bundle went too
    assert (out / "content/posts/a-whole-thought/index.md").is_file()
    assert (out / "hugo.toml").read_text() == "title = 'mine'\n"
    files = json.loads((out / MARKER).read_text())["files"]
    assert "hugo.toml" not in files and "content/posts/a-whole-thought/index.md" in files


def test_a_file_of_ours_edited_since_is_not_removed(desk: Services, tmp_path: Path) -> None:
    out = exported(desk, tmp_path / "site", "hugo")
    page = out / "content/posts/half-a-thought/index.md"
    page.write_text(page.read_text() + "\nA line written by hand.\n")
    entry = desk.entries.get_by_slug("half-a-thought")
    desk.entries.update(entry.id, EntryFields(slug="a-whole-thought"))
    report = desk.markdown_exports.export(MarkdownExportOptions(out=out, layout="hugo"))
    assert report.removed == 0 and "written by hand" in page.read_text()


def test_a_stopped_export_leaves_a_folder_the_next_one_takes(desk: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with pytest.raises(ExportCancelled):
        desk.markdown_exports.export(MarkdownExportOptions(out=out, layout="hugo"), cancelled=lambda: True)
    report = desk.markdown_exports.export(MarkdownExportOptions(out=out, layout="hugo"))
    assert report.entries == 2 and report.summary().startswith("Exported 2 entries and 2 images as a Hugo site")


def test_only_the_chosen_entries_and_nothing_removed(desk: Services, tmp_path: Path) -> None:
    out = exported(desk, tmp_path / "site", "jekyll")
    report = desk.markdown_exports.export(MarkdownExportOptions(out=out, layout="jekyll", slugs=("half-a-thought",)))
    assert (report.entries, report.removed) == (1, 0)
    assert (out / "_posts/2025-01-19-over-the-col.md").is_file()


# -- back in ---------------------------------------------------------------------------------


def reimported(services: Services, tmp_path: Path, layout: str) -> tuple[dict[str, Entry], dict[str, Entry], Services]:
    """The desk's entries, and the same read back from its export imported into an empty desk."""
    out = exported(services, tmp_path / "site", layout)
    again = open_services(tmp_path / "again.db")
    again.imports.import_paths([out])
    return by_slug(services), by_slug(again), again


@pytest.mark.parametrize("layout", ["hugo", "jekyll"])
def test_importing_the_export_into_an_empty_desk_gives_the_same_fields_and_images(
    desk: Services, tmp_path: Path, layout: str
) -> None:
    before, after, again = reimported(desk, tmp_path, layout)
    try:
        assert sorted(after) == sorted(before)
        for slug, entry in before.items():
            mine, theirs = fields_of(entry), fields_of(after[slug])
            if slug == "over-the-col":  # the body whose image the export re-points: see the test below
                del mine["body"], theirs["body"]
            assert theirs == mine, slug
        assert {a.filename: again.assets.data(a.sha256) for a in again.assets.list()} == {
            a.filename: desk.assets.data(a.sha256) for a in desk.assets.list()
        }
    finally:
        again.close()


@pytest.mark.parametrize("layout", ["hugo", "jekyll"])
def test_a_body_with_an_image_comes_back_as_stored(desk: Services, tmp_path: Path, layout: str) -> None:
    before, after, again = reimported(desk, tmp_path, layout)
    again.close()
    assert after["over-the-col"].body == before["over-the-col"].body


def test_the_sample_entries_come_back_with_their_fields(samples: Services, tmp_path: Path) -> None:
    """The samples' bodies point at `images/…`, which the export must re-point: all else comes back."""
    out = exported(samples, tmp_path / "site", "hugo")
    again = open_services(tmp_path / "again.db")
    try:
        again.imports.import_paths([out])
        before, after = by_slug(samples), by_slug(again)
        assert sorted(after) == sorted(before)
        for slug, entry in before.items():
            mine, theirs = fields_of(entry), fields_of(after[slug])
            mine.pop("body"), theirs.pop("body"), mine.pop("words"), theirs.pop("words")
            assert theirs == mine, slug
    finally:
        again.close()
