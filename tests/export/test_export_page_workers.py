"""Entry pages built in worker processes: the same bytes as here, written into the staging folder, kept next time."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest
from export_helpers import MOMENT, count_calls, generated_services, site_files

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.export import bodies as bodies_module
from fieldnotes_desktop.export.context import PageExtras
from fieldnotes_desktop.export.disk import StagingFolder
from fieldnotes_desktop.export.entry_page import build_entry_page
from fieldnotes_desktop.export.page_workers import PageJob, PageKit, ThemeChanged, build_pages, theme_for
from fieldnotes_desktop.export.site import SiteBuilder, SiteSnapshot
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.render.section_cache import keys_for
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.sections import scan_source
from fieldnotes_desktop.render.typography import DEFAULT_TYPOGRAPHY
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions
from fieldnotes_desktop.store import render_cache

ENTRIES = 45


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for a site of a few dozen entries: batches of 10, and no minimum to start them."""
    monkeypatch.setattr(bodies_module, "BATCH", 10)
    monkeypatch.setattr(bodies_module, "MIN_TO_BUILD", 10)


def builder_for(services: Services) -> SiteBuilder:
    entries = services.entries.list_summaries()
    finished = [e for e in entries if e.status == "finished"]
    snapshot = SiteSnapshot(services.site.get(), entries, finished)
    return SiteBuilder(
        Theme(), snapshot, now=MOMENT, find_asset=services.assets.find, asset_data=services.assets.data
    )


def test_a_page_built_by_a_worker_is_the_page_built_here(tmp_path: Path) -> None:
    services = generated_services(tmp_path / "a.db", 3)
    try:
        builder = builder_for(services)
        entry = services.entries.get(services.entries.list_summaries()[1].id)
        summary = next(e for e in builder.snapshot.entries if e.id == entry.id)
        ctx = builder.page_context(summary)
        renderer = SectionRenderer(cache_size=0, typography=builder.typography)
        here = build_entry_page(builder.theme, ctx, renderer.render(entry.body), in_feed=True)
        keys = keys_for(scan_source(entry.body), builder.typography)
        # nothing held: every section is rendered there, and comes back to be kept
        ((page, rendered),) = build_pages(builder.page_kit, [PageJob(ctx, entry.body, {}, True)])
        assert page == here
        assert set(rendered) == set(keys)
        # two sections held, one of them damaged: the other is used, the damaged one rendered again
        held = {keys[0]: rendered[keys[0]], keys[1]: "not json"}
        ((again, fresh),) = build_pages(builder.page_kit, [PageJob(ctx, entry.body, held, True)])
        assert again == here
        assert set(fresh) == set(keys) - {keys[0]}
        assert fresh[keys[1]] == rendered[keys[1]]
        # none sent: the worker reads what the database keeps, and renders nothing
        services.exports.section_cache.put_many(rendered)
        kit = replace(builder.page_kit, sections=tmp_path / "a.db")
        ((read, nothing),) = build_pages(kit, [PageJob(ctx, entry.body, None, True)])
        assert read == here and nothing == {}
    finally:
        services.close()


def test_a_worker_shows_a_cover_on_the_web_and_leaves_a_stored_cover_to_this_process(tmp_path: Path) -> None:
    services = generated_services(tmp_path / "a.db", 3)
    try:
        builder = builder_for(services)
        summary = builder.snapshot.entries[0]
        body = services.entries.get(summary.id).body
        ctx = replace(builder.page_context(summary), extras=PageExtras(cover="https://img.example.net/c.jpg"))
        ((page, _rendered),) = build_pages(builder.page_kit, [PageJob(ctx, body, {}, False)])
        assert '<meta property="og:image" content="https://img.example.net/c.jpg">' in page.html
        assert not builder.holds_images(summary, body)
        stored = replace(builder.snapshot, extras={summary.id: PageExtras(cover="ridge.png")})
        with_cover = SiteBuilder(
            Theme(), stored, now=MOMENT, find_asset=services.assets.find, asset_data=services.assets.data
        )
        # the cover's address is the database's to say: built here (and never kept by its inputs)
        assert with_cover.holds_images(summary, body)
    finally:
        services.close()


def test_a_worker_writes_its_page_to_the_staging_folder_with_the_inputs_this_process_would_digest(
    tmp_path: Path,
) -> None:
    services = generated_services(tmp_path / "a.db", 30)
    try:
        builder = builder_for(services)
        summary = builder.snapshot.entries[-1]  # the oldest: not in the feed, so its page can be kept
        assert not builder.in_feed(summary)
        text = services.entries.get(summary.id).body
        ctx = builder.page_context(summary)
        staging = StagingFolder(tmp_path, fsync_each=True)
        ((page, _),) = build_pages(builder.page_kit, [PageJob(ctx, text, {}, False, "page-1")], staging)
    finally:
        services.close()
    renderer = SectionRenderer(cache_size=0, typography=builder.typography)
    here = build_entry_page(builder.theme, ctx, renderer.render(text), in_feed=False)
    assert page.html == "" and page.written is not None
    assert (tmp_path / "page-1").read_bytes() == here.html.encode("utf-8")
    assert page.written.size == len(here.html.encode("utf-8"))
    assert page.inputs == builder.entry_inputs(summary, text, ctx)
    assert page.excerpt == here.excerpt and page.feed_body is None


def test_a_staged_name_is_never_one_the_writer_numbers(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        StagingFolder(tmp_path, fsync_each=False).write("000007", b"x")


def test_a_worker_refuses_a_theme_that_is_not_the_one_the_export_began_with(tmp_path: Path) -> None:
    theme = Theme()
    with pytest.raises(ThemeChanged):
        theme_for(PageKit(None, theme.seconds, "another fingerprint", b"", DEFAULT_TYPOGRAPHY))
    assert isinstance(theme_for(PageKit(None, theme.seconds, theme.fingerprint(), b"", DEFAULT_TYPOGRAPHY)), Theme)


def test_a_warm_export_through_workers_writes_the_site_one_process_writes_and_keeps_it_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    parallel = generated_services(tmp_path / "a.db", ENTRIES, workers=2)
    single = generated_services(tmp_path / "b.db", ENTRIES, workers=1)
    try:
        parallel.exports.export(ExportOptions(out=tmp_path / "first"))  # keeps every section
        with parallel.store.transaction() as s:
            assert render_cache.count(s) > 0
        built_here = count_calls(monkeypatch, SiteBuilder, "entry_page")
        parallel.exports.export(ExportOptions(out=tmp_path / "parallel"))
        monkeypatch.undo()
        # the first batch is built here while the workers start; the workers build most of the rest
        assert 10 <= len(built_here) < ENTRIES // 2
        single.exports.export(ExportOptions(out=tmp_path / "single"))
        again = parallel.exports.export(ExportOptions(out=tmp_path / "parallel"))
    finally:
        parallel.close()
        single.close()
    assert site_files(tmp_path / "parallel") == site_files(tmp_path / "single")
    assert again.changed == 0  # the workers' inputs are those this process digests
    assert not list((tmp_path / "parallel" / ".fieldnotes").glob("staging*"))
    assert multiprocessing.active_children() == []


def test_workers_that_find_another_theme_leave_the_pages_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    real = SiteBuilder.page_kit.func  # type: ignore[attr-defined]

    def stale(self: SiteBuilder) -> PageKit:
        kit: PageKit = real(self)
        return replace(kit, fingerprint="a theme edited since")

    monkeypatch.setattr(SiteBuilder, "page_kit", property(stale))
    parallel = generated_services(tmp_path / "a.db", ENTRIES, workers=2)
    single = generated_services(tmp_path / "b.db", ENTRIES, workers=1)
    try:
        built_here = count_calls(monkeypatch, SiteBuilder, "entry_page")
        parallel.exports.export(ExportOptions(out=tmp_path / "parallel"))
        assert len(built_here) == ENTRIES
        single.exports.export(ExportOptions(out=tmp_path / "single"))
    finally:
        parallel.close()
        single.close()
    assert site_files(tmp_path / "parallel") == site_files(tmp_path / "single")
    assert multiprocessing.active_children() == []


def test_a_theme_that_fails_in_a_worker_says_what_it_says_here_and_changes_nothing(
    tmp_path: Path, small_batches: None
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    # The footer fails only for later entries: the first batch (built here) passes, a worker's fails.
    (theme / "_entry_footer.html").write_text(
        "{% if ctx.entry.date.day > 20 %}{{ ctx.no_such_field }}{% endif %}<p>{{ ctx.title }}</p>\n"
    )
    messages = []
    for name, workers in (("parallel", 2), ("single", 1)):
        services = generated_services(tmp_path / f"{name}.db", ENTRIES, workers=workers)
        out = tmp_path / name
        out.mkdir()
        (out / "notes.txt").write_text("the writer's own file\n")
        try:
            with pytest.raises(ExportFailed) as failed:
                services.exports.export(ExportOptions(out=out, theme_dir=theme))
        finally:
            services.close()
        messages.append(str(failed.value))
        assert sorted(p.name for p in out.iterdir() if p.name != ".fieldnotes") == ["notes.txt"]
    assert messages[0] == messages[1]
    assert "_entry_footer.html" in messages[0] and "no_such_field" in messages[0]
    assert multiprocessing.active_children() == []


def test_pages_with_images_are_built_here_even_when_workers_build_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    services = generated_services(tmp_path / "a.db", ENTRIES, workers=2)
    try:
        services.assets.add("ridge.png", PNG)
        # the oldest entries come last, in batches the workers build
        oldest = sorted(services.entries.list_summaries(), key=lambda e: e.date)[:3]
        for summary in oldest:
            entry = services.entries.get(summary.id)
            services.entries.update(entry.id, EntryFields(body=entry.body + "\n![The ridge at dusk](ridge.png)\n"))
        built_here = count_calls(monkeypatch, SiteBuilder, "entry_page")
        services.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        services.close()
    slugs = {e.slug for e in oldest}
    assert slugs <= {e.slug for e in built_here}  # type: ignore[attr-defined]
    assert len(built_here) < ENTRIES
    for slug in slugs:
        page = (tmp_path / "site" / slug / "index.html").read_text()
        assert 'src="../assets/' in page and 'alt="The ridge at dusk"' in page
    assert len(list((tmp_path / "site" / "assets").glob("*.png"))) == 1


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
