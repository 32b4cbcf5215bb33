"""Exporting again: nothing changed writes nothing, one edit rewrites only the pages whose bytes change."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_helpers import body, count_calls, generated_services, site_files

from fieldnotes_desktop.errors import ExportCancelled
from fieldnotes_desktop.export import bodies as bodies_module
from fieldnotes_desktop.export.site import SiteBuilder
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.render import section_cache
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services import publish as publish_module
from fieldnotes_desktop.services.publish import ExportOptions
from fieldnotes_desktop.store import export_reads, render_cache

ENTRIES = 30  # more than the feed's 20, so some pages can be kept without being built


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[Services]:
    services = generated_services(tmp_path / "generated.db", ENTRIES)
    yield services
    services.close()


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """Every file in the folder, bookkeeping included, by (inode, mtime)."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fixture", ["samples", "generated"])
def test_a_re_export_with_nothing_changed_writes_nothing(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    services: Services = request.getfixturevalue(fixture)
    out = tmp_path / "site"
    first = services.exports.export(ExportOptions(out=out))
    assert first.changed > 0
    before = stats(out)
    again = services.exports.export(ExportOptions(out=out))
    assert (again.changed, again.removed) == (0, 0)
    assert stats(out) == before  # no file rewritten, renamed over or touched, manifest included
    assert not (out / ".fieldnotes" / "staging").exists()  # no journal was even written
    assert "nothing changed" in again.summary()


def test_one_edit_rewrites_only_the_pages_whose_bytes_change(generated: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    generated.exports.export(ExportOptions(out=out))
    old_files, old_stats = site_files(out), stats(out)
    oldest = generated.entries.list_summaries()[-1]  # not in the feed: its page is kept when unchanged
    generated.entries.update(oldest.id, EntryFields(body=body(0, generation=1)))

    report = generated.exports.export(ExportOptions(out=out))

    new_files, new_stats = site_files(out), stats(out)
    rewritten = {p for p in new_files if new_stats[p] != old_stats.get(p)}
    differing = {p for p in new_files if new_files[p] != old_files.get(p)}
    assert rewritten == differing
    assert f"{oldest.slug}/index.html" in rewritten
    assert report.changed == len(rewritten) < len(new_files) // 2
    # Kept pages and rebuilt ones together are exactly what a first export of this state writes.
    assert new_files == site_files(_fresh_export(generated, tmp_path / "fresh"))


def test_pages_with_the_same_inputs_are_not_built_again(
    generated: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    generated.exports.export(ExportOptions(out=out))
    built = count_calls(monkeypatch, SiteBuilder, "entry_page")
    generated.exports.export(ExportOptions(out=out))
    assert len(built) == 20  # the feed's entries, whose bodies the feed carries; the other ten were kept


def test_a_changed_theme_or_renderer_builds_every_page_again(
    generated: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    generated.exports.export(ExportOptions(out=out))
    built = count_calls(monkeypatch, SiteBuilder, "entry_page")
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "extra.txt").write_text("a file the templates might include\n")
    generated.exports.export(ExportOptions(out=out, theme_dir=theme))
    assert len(built) == ENTRIES
    built.clear()
    monkeypatch.setattr(section_cache, "RENDER_VERSION", section_cache.RENDER_VERSION + 1)
    section_cache.renderer_version.cache_clear()
    try:
        generated.exports.export(ExportOptions(out=out, theme_dir=theme))
    finally:
        monkeypatch.undo()
        section_cache.renderer_version.cache_clear()
    assert len(built) == ENTRIES


def test_a_page_edited_by_hand_is_put_right(generated: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    generated.exports.export(ExportOptions(out=out))
    oldest = generated.entries.list_summaries()[-1]
    page = out / oldest.slug / "index.html"
    right = page.read_bytes()
    page.write_bytes(right.replace(b"Field day", b"Field nay"))
    report = generated.exports.export(ExportOptions(out=out))
    assert page.read_bytes() == right
    assert report.changed == 1


def test_a_second_export_renders_no_section_again(
    samples: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples.exports.export(ExportOptions(out=tmp_path / "one"))
    with samples.store.transaction() as s:
        assert render_cache.count(s) > 0
    rendered = count_calls(monkeypatch, SectionRenderer, "_render_text")
    samples.exports.export(ExportOptions(out=tmp_path / "two"))  # an empty folder: every page is built
    # Only the sections holding an image are rendered again (their addresses are the export's own).
    assert all("![" in str(text) or "<img" in str(text).lower() for text in rendered)
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")


def test_the_cache_drops_sections_no_entry_uses(samples: Services, tmp_path: Path) -> None:
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    with samples.store.transaction() as s:
        live = render_cache.count(s)
    samples.exports.section_cache.put_many({f"{n:032x}": "[]" for n in range(3000)})  # typing leftovers
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    with samples.store.transaction() as s:
        assert render_cache.count(s) == live
        assert render_cache.get_many(s, [f"{n:032x}" for n in range(3000)]) == {}


def test_bodies_are_read_a_batch_at_a_time(
    generated: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    real = export_reads.bodies

    def bodies(session: object, ids: list[int]) -> dict[int, str]:
        asked.append(len(ids))
        return real(session, ids)  # type: ignore[arg-type]

    monkeypatch.setattr(export_reads, "bodies", bodies)
    monkeypatch.setattr(bodies_module, "BATCH", 7)
    monkeypatch.setattr(publish_module, "BATCH", 7)
    report = generated.exports.export(ExportOptions(out=tmp_path / "site"))
    assert report.entries == ENTRIES
    assert max(asked) <= 7


def _fresh_export(services: Services, out: Path) -> Path:
    services.exports.export(ExportOptions(out=out))
    return out


# -- worker processes ------------------------------------------------------------------------


def test_worker_processes_write_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parallel = generated_services(tmp_path / "a.db", 60, workers=2)
    single = generated_services(tmp_path / "b.db", 60, workers=1)
    try:
        rendered_here = count_calls(monkeypatch, SectionRenderer, "_render_text")
        parallel.exports.export(ExportOptions(out=tmp_path / "parallel"))
        assert rendered_here == []  # every body was rendered in a worker (a spawned process)
        monkeypatch.undo()
        single.exports.export(ExportOptions(out=tmp_path / "single"))
        with parallel.store.transaction() as s:
            assert render_cache.count(s) > 0  # what the workers rendered was kept
    finally:
        parallel.close()
        single.close()
    assert site_files(tmp_path / "parallel") == site_files(tmp_path / "single")
    assert multiprocessing.active_children() == []


def test_cancelling_an_export_in_workers_leaves_the_folder_and_no_process(tmp_path: Path) -> None:
    services = generated_services(tmp_path / "a.db", 60, workers=2)
    out = tmp_path / "site"
    seen: list[int] = []
    try:
        with pytest.raises(ExportCancelled):
            services.exports.export(
                ExportOptions(out=out), progress=lambda done, total, label: seen.append(done),
                cancelled=lambda: len(seen) >= 5,
            )
    finally:
        services.close()
    assert site_files(out) == {}
    assert multiprocessing.active_children() == []


def test_workers_that_cannot_start_leave_the_rendering_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_processes(workers: int) -> object:
        raise OSError("no more processes")

    monkeypatch.setattr(bodies_module, "start_pool", no_processes)
    parallel = generated_services(tmp_path / "a.db", 60, workers=2)
    single = generated_services(tmp_path / "b.db", 60, workers=1)
    try:
        report = parallel.exports.export(ExportOptions(out=tmp_path / "parallel"))
        single.exports.export(ExportOptions(out=tmp_path / "single"))
    finally:
        parallel.close()
        single.close()
    assert report.entries == 60
    assert site_files(tmp_path / "parallel") == site_files(tmp_path / "single")


def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    """A script without a `__main__` guard runs once, not once more in every worker."""
    db = tmp_path / "a.db"
    generated_services(db, 60).close()
    runs = tmp_path / "runs.txt"
    script = tmp_path / "host.py"
    script.write_text(
        "from pathlib import Path\n"
        "from fieldnotes_desktop.services import open_services\n"
        "from fieldnotes_desktop.services.publish import ExportOptions, ExportService\n"
        f"with open({str(runs)!r}, 'a') as f: f.write('ran\\n')\n"
        f"s = open_services({str(db)!r})\n"
        "e = ExportService(s.store, s.entries, s.site, s.assets, workers=2)\n"
        f"e.export(ExportOptions(out=Path({str(tmp_path / 'site')!r})))\n"
        "s.close()\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])))
    assert done.returncode == 0, done.stderr
    assert runs.read_text() == "ran\n"
    assert (tmp_path / "site" / "index.html").is_file()
