"""Hostile or odd files given to import: each is refused in one sentence, quickly, storing nothing.

The heavy cases (alias bombs, a 200 MB file, /dev/zero) also run in a subprocess with a memory
cap in tests/cli/test_cli_import_hostile.py; here they are kept small enough that a regression
fails the test instead of eating the machine.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ImportFailed, ValidationError
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services import markdown_files
from fieldnotes_desktop.services.publish import ExportOptions
from fieldnotes_desktop.store.models import AssetRow

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
ACTIVE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" viewBox="0 0 10 10">'
    b"<script>alert(2)</script>"
    b'<a href="javascript:alert(3)"><rect width="10" height="10" fill="#123456"/></a>'
    b'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject>'
    b"</svg>"
)
ACTIVE_WORDS = ("script", "onload", "alert", "javascript", "foreignobject", "iframe", "evil.example")


@pytest.fixture
def within_seconds() -> Iterator[None]:
    """Fails the test after 15 s instead of letting a blocking open() hang the run."""

    def _expired(signum: int, frame: object) -> None:
        raise TimeoutError("import took longer than 15 s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(15)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def counts(services: Services) -> tuple[int, int]:
    db = sqlite3.connect(services.db_path)
    try:
        entries = int(db.execute("SELECT count(*) FROM entries").fetchone()[0])
        assets = int(db.execute("SELECT count(*) FROM assets").fetchone()[0])
        return entries, assets
    finally:
        db.close()


def refused(services: Services, *paths: Path) -> str:
    """The one-sentence refusal of importing `paths`, after checking nothing was stored."""
    return refused_after(services, *paths, entries=0)


def refused_after(services: Services, *paths: Path, entries: int) -> str:
    started = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        services.imports.import_paths(list(paths))
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    message.encode("utf-8")  # printable: no lone surrogate from a file name or a YAML escape
    assert message.endswith(".")
    assert "nothing was imported" in message.lower()
    assert counts(services) == (entries, 0)
    return message


def folder_with(tmp_path: Path, *good: str) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir(exist_ok=True)
    for name in good:
        (folder / name).write_text(f"---\ntitle: {name}\n---\nFine.\n", encoding="utf-8")
    return folder


# -- what is on disk: special files, links, sizes, bytes, names -----------------------------


def test_a_fifo_in_a_folder_is_refused_without_waiting_on_it(
    services: Services, tmp_path: Path, within_seconds: None
) -> None:
    folder = folder_with(tmp_path, "a.md")
    os.mkfifo(folder / "pipe.md")
    message = refused(services, folder)
    assert "pipe.md" in message and "named pipe" in message


def test_a_fifo_given_by_name_is_refused(services: Services, tmp_path: Path, within_seconds: None) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    assert "named pipe" in refused(services, tmp_path / "pipe.md")


@pytest.mark.parametrize("given", ["folder", "file"])
def test_a_link_to_a_device_is_refused_before_it_is_read(
    services: Services, tmp_path: Path, within_seconds: None, given: str
) -> None:
    folder = folder_with(tmp_path, "a.md")
    os.symlink("/dev/zero", folder / "zero.md")
    message = refused(services, folder if given == "folder" else folder / "zero.md")
    assert "zero.md" in message and "device" in message


def test_a_file_over_the_size_limit_is_refused_unread(services: Services, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as f:
        f.write(b"---\ntitle: Big\n---\n" + b"word " * 1000)
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    message = refused(services, big)
    assert "big.md is 200 MB" in message and "20 MB" in message


def test_a_file_one_byte_over_the_limit_is_refused(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "edge.md"
    path.write_bytes(b"a" * (markdown_files.MAX_MARKDOWN_BYTES + 1))
    assert "edge.md" in refused(services, path)


@pytest.mark.parametrize(
    "raw",
    [
        b"---\ntitle: Late\n---\n" + b"text " * 2000 + b"\x00" + b"more text\n",
        ("---\ntitle: Late\n---\n" + "text " * 2000 + "\x00 more").encode("utf-16"),
    ],
    ids=["utf8-after-8k", "utf16"],
)
def test_a_nul_anywhere_marks_a_binary_file(services: Services, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "late-nul.md"
    path.write_bytes(raw)
    message = refused(services, path)
    assert "late-nul.md" in message and "binary" in message


def test_a_file_name_that_is_not_text_is_refused_under_a_printable_name(
    services: Services, tmp_path: Path
) -> None:
    folder = folder_with(tmp_path, "a.md")
    (folder / os.fsdecode(b"caf\xe9.md")).write_text("---\ntitle: Caf\n---\nx\n", encoding="utf-8")
    message = refused(services, folder)
    assert "caf\ufffd.md" in message and "UTF-8" in message


def test_control_characters_in_a_file_name_cannot_break_the_one_line_message(
    services: Services, tmp_path: Path
) -> None:
    folder = folder_with(tmp_path)
    (folder / "two\nlines\u202e.md").write_bytes(b"\x89PNG not really")
    message = refused(services, folder)
    assert "two\\nlines\\u202e.md" in message


def test_a_link_to_a_markdown_file_inside_the_folder_imports_it(services: Services, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.md")
    (folder / "sub").mkdir()
    (folder / "sub" / "real.md").write_text("---\ntitle: Real\n---\nx\n", encoding="utf-8")
    os.symlink(folder / "sub" / "real.md", folder / "alias.md")
    report = services.imports.import_paths([folder])
    assert sorted(e.title for e in report.created) == ["Real", "Real", "a.md"]


def test_a_link_to_a_markdown_file_outside_the_folder_is_refused(services: Services, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.md")
    private = tmp_path / "private" / "diary.md"
    private.parent.mkdir()
    private.write_text("---\ntitle: Diary\nstatus: finished\n---\nSecret.\n", encoding="utf-8")
    os.symlink(private, folder / "diary.md")
    message = refused(services, folder)
    assert "diary.md" in message and "outside" in message


def test_linked_folders_are_not_followed_so_a_loop_ends(services: Services, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.md")
    os.symlink(folder, folder / "loop")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "far.md").write_text("# Far\n", encoding="utf-8")
    os.symlink(outside, folder / "far")
    report = services.imports.import_paths([folder])
    assert [e.title for e in report.created] == ["a.md"]
    assert any("loop" in w and "not followed" in w for w in report.skipped)


# -- front matter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "front",
    [
        "base: &b Everest\ntitle: *b",
        "base: &b [a, b]\ntags: *b",
        "nested:\n  keep: &k {x: 1}\n  again: *k",
        "<<: &m {title: Merge}\nother: *m",
    ],
    ids=["title", "tags", "nested", "merge-key"],
)
def test_yaml_aliases_are_refused(services: Services, tmp_path: Path, front: str) -> None:
    path = tmp_path / "alias.md"
    path.write_text(f"---\n{front}\n---\nbody\n", encoding="utf-8")
    message = refused(services, path)
    assert "alias.md" in message and "alias" in message.replace("alias.md", "")


@pytest.mark.parametrize("opener", ["[", "{", "- "])
def test_deep_nesting_in_front_matter_is_refused_without_recursion(
    services: Services, tmp_path: Path, opener: str
) -> None:
    path = tmp_path / "deep.md"
    if opener == "- ":
        nested = "".join(" " * (2 * i) + "-\n" for i in range(200))
        path.write_text(f"---\ntags:\n{nested}---\nbody\n", encoding="utf-8")
    else:
        path.write_text(f"---\ntitle: {opener * 10_000}\n---\nbody\n", encoding="utf-8")
    message = refused(services, path)
    assert "deep.md" in message and "deep" in message.replace("deep.md", "")


def test_front_matter_over_its_limit_is_refused(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "long-front.md"
    lines = "".join(f"key{n}: {'v' * 60}\n" for n in range(markdown_files.MAX_FRONT_MATTER_CHARS // 60 + 10))
    path.write_text(f"---\ntitle: Long\n{lines}---\nbody\n", encoding="utf-8")
    assert "long-front.md" in refused(services, path)


@pytest.mark.parametrize(
    "front",
    [
        'title: "x\\ud800y"',
        '"k\\udfffey": 1',
        'tags: [ok, "bad\\ud83d"]',
        'extra:\n  deeper: {value: "\\udc80"}',
        'summary: "\\ud800"',
    ],
    ids=["title", "key", "tag", "nested", "summary"],
)
def test_lone_surrogates_anywhere_in_front_matter_are_refused(
    services: Services, tmp_path: Path, front: str
) -> None:
    path = tmp_path / "surrogate.md"
    path.write_text(f"---\n{front}\n---\nbody\n", encoding="utf-8")
    message = refused(services, path)
    assert "surrogate.md" in message and "Unicode" in message


def test_characters_beyond_the_basic_plane_import_written_or_escaped(services: Services, tmp_path: Path) -> None:
    # A surrogate pair written as two escapes ("\ud83c\udfd4") is refused like a lone one,
    # as libyaml does; the eight-digit escape and the character itself are the YAML ways.
    path = tmp_path / "summit.md"
    path.write_text('---\ntitle: "Summit \\U0001F3D4 \U0001f3d4"\n---\nbody\n', encoding="utf-8")
    (summary,) = services.imports.import_paths([path]).created
    assert summary.title == "Summit \U0001f3d4 \U0001f3d4"
    path.write_text('---\ntitle: "Summit \\ud83c\\udfd4"\n---\nbody\n', encoding="utf-8")
    assert "Unicode" in refused_after(services, path, entries=1)


@pytest.mark.parametrize("opener", ["[", "> ", "*", "- "])
def test_deep_nesting_in_the_body_imports_as_text(services: Services, tmp_path: Path, opener: str) -> None:
    path = tmp_path / "deep-body.md"
    path.write_text(f"---\ntitle: Deep body\n---\n{opener * 10_000}ridge walk\n", encoding="utf-8")
    (summary,) = services.imports.import_paths([path]).created
    entry = services.entries.get(summary.id)
    assert entry.body.endswith("ridge walk\n")
    assert entry.words >= 2


# -- images: only from inside the imported folders ----------------------------------------


def _blog(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "blog"
    (root / "posts").mkdir(parents=True)
    (root / "posts" / "post.md").write_text(f"---\ntitle: Post\n---\n{body}\n", encoding="utf-8")
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(PNG + b"private")
    return root


@pytest.mark.parametrize(
    "reference",
    ["../../outside/secret.png", "../outside/secret.png", "/../outside/secret.png", "ABSOLUTE"],
)
def test_an_image_outside_the_imported_folder_is_never_read(
    services: Services, tmp_path: Path, reference: str
) -> None:
    if reference == "ABSOLUTE":
        reference = str(tmp_path / "outside" / "secret.png")
    root = _blog(tmp_path, f"![secret]({reference})")
    report = services.imports.import_paths([root])
    assert len(report.created) == 1
    assert services.assets.list() == [] and report.assets == 0
    assert any("post.md" in w and "secret.png" in w for w in report.skipped), report.skipped


def test_a_link_inside_the_folder_to_an_image_outside_is_not_read(services: Services, tmp_path: Path) -> None:
    root = _blog(tmp_path, "![secret](innocent.png)")
    os.symlink(tmp_path / "outside" / "secret.png", root / "posts" / "innocent.png")
    report = services.imports.import_paths([root])
    assert services.assets.list() == []
    assert any("innocent.png" in w and "outside" in w for w in report.skipped)


def test_a_file_given_by_name_may_use_images_only_from_its_own_folder(
    services: Services, tmp_path: Path
) -> None:
    root = _blog(tmp_path, "![secret](../../outside/secret.png)")
    services.imports.import_paths([root / "posts" / "post.md"])
    assert services.assets.list() == []


def test_an_absolute_reference_means_the_imported_folder(services: Services, tmp_path: Path) -> None:
    root = _blog(tmp_path, "![summit](/images/summit.png)")
    (root / "images").mkdir()
    (root / "images" / "summit.png").write_bytes(PNG)
    report = services.imports.import_paths([root])
    assert report.assets == 1
    assert [a.filename for a in services.assets.list()] == ["summit.png"]


def test_dot_dot_that_stays_inside_the_imported_folder_is_fine(services: Services, tmp_path: Path) -> None:
    root = _blog(tmp_path, "![up](../images/summit.png) ![again](/images/summit.png)")
    (root / "images").mkdir()
    (root / "images" / "summit.png").write_bytes(PNG)
    report = services.imports.import_paths([root])
    assert report.assets == 1 and report.skipped == ()


def test_an_image_that_is_a_pipe_is_skipped_not_waited_on(
    services: Services, tmp_path: Path, within_seconds: None
) -> None:
    root = _blog(tmp_path, "![pipe](pipe.png)")
    os.mkfifo(root / "posts" / "pipe.png")
    report = services.imports.import_paths([root])
    assert len(report.created) == 1 and services.assets.list() == []
    assert any("pipe.png" in w for w in report.skipped)


# -- SVG: stored only once made inert ------------------------------------------------------


def test_an_imported_svg_is_stored_without_scripts_or_links(services: Services, tmp_path: Path) -> None:
    root = _blog(tmp_path, "![drawing](drawing.svg)")
    (root / "posts" / "drawing.svg").write_bytes(ACTIVE_SVG)
    report = services.imports.import_paths([root])
    assert report.assets == 1
    (asset,) = services.assets.list()
    data = services.assets.data(asset.sha256)
    assert not [word for word in ACTIVE_WORDS if word in data.decode().lower()]
    assert b"<rect" in data and b"#123456" in data
    assert asset.sha256 == hashlib.sha256(data).hexdigest() and asset.size == len(data)
    assert asset.mime == "image/svg+xml"


def test_an_imported_svg_that_cannot_be_made_safe_is_skipped_with_a_warning(
    services: Services, tmp_path: Path
) -> None:
    root = _blog(tmp_path, "![drawing](broken.svg)")
    (root / "posts" / "broken.svg").write_bytes(b"<svg><g></svg>")
    report = services.imports.import_paths([root])
    assert len(report.created) == 1 and services.assets.list() == []
    (warning,) = [w for w in report.skipped if "broken.svg" in w]
    assert "post.md" in warning and "\n" not in warning


def test_an_active_svg_added_in_the_editor_is_stored_inert(services: Services) -> None:
    asset = services.assets.add("pasted.svg", ACTIVE_SVG)
    data = services.assets.data(asset.sha256)
    assert not [word for word in ACTIVE_WORDS if word in data.decode().lower()]
    assert services.assets.add("pasted.svg", ACTIVE_SVG) == asset  # same bytes in, same asset


def test_an_svg_that_cannot_be_made_safe_is_refused_in_one_sentence(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assets.add("bomb.svg", b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>')
    message = str(caught.value)
    assert message.startswith("bomb.svg ") and message.endswith(".") and "\n" not in message
    assert services.assets.list() == []


def test_a_clean_svg_is_stored_byte_for_byte(services: Services) -> None:
    clean = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">\n  <!-- a dot -->\n  <circle r="2"/>\n</svg>\n'
    asset = services.assets.add("dot.svg", clean)
    assert services.assets.data(asset.sha256) == clean


# -- the export never publishes an active SVG, even from a database made before the above --


def _old_database_with(services: Services, svgs: dict[str, bytes]) -> None:
    """Assets written as an older version stored them: bytes as given, nothing sanitized."""
    import datetime as dt

    body = "".join(f"![{name}]({name})\n" for name in svgs)
    services.entries.create(EntryFields(title="Drawings", slug="drawings", status="finished", body=body))
    with services.store.transaction() as s:
        for name, data in svgs.items():
            s.add(AssetRow(sha256=hashlib.sha256(data).hexdigest(), filename=name, mime="image/svg+xml",
                           size=len(data), data=data, created_at=dt.datetime(2024, 1, 1)))


def test_the_site_export_sanitizes_svgs_again_and_leaves_out_what_it_cannot(
    services: Services, tmp_path: Path
) -> None:
    _old_database_with(services, {"active.svg": ACTIVE_SVG, "broken.svg": b"<svg><script>alert(1)</svg>"})
    report = services.exports.export(ExportOptions(out=tmp_path / "site"))
    svgs = sorted((tmp_path / "site" / "assets").glob("*.svg"))
    assert len(svgs) == 1
    data = svgs[0].read_text(encoding="utf-8").lower()
    assert "<rect" in data and not [word for word in ACTIVE_WORDS if word in data]
    assert svgs[0].name == f"{hashlib.sha256(ACTIVE_SVG).hexdigest()[:16]}.svg"
    (warning,) = [w for w in report.warnings if "broken.svg" in w and "alt text" not in w]
    assert "left out" in warning


def test_the_self_contained_export_inlines_only_inert_svgs(services: Services, tmp_path: Path) -> None:
    _old_database_with(services, {"active.svg": ACTIVE_SVG, "broken.svg": b"not xml at all"})
    out = tmp_path / "drawings.html"
    report = services.exports.export(ExportOptions(out=out, slugs=("drawings",), self_contained=True))
    page = out.read_text(encoding="utf-8")
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(uris) == 1
    inlined = base64.b64decode(uris[0]).decode().lower()
    assert "<rect" in inlined and not [word for word in ACTIVE_WORDS if word in inlined]
    assert any("broken.svg" in w and "left out" in w for w in report.warnings)
