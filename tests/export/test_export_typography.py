"""The site's typography in the export: curly quotes on the page, titles included; a change of setting rewrites the pages."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from fieldnotes_desktop.export.page_workers import PageJob, build_pages
from fieldnotes_desktop.records import FINISHED, EntryFields
from fieldnotes_desktop.render.typography import PLAIN, typography_for
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.publish import ExportOptions

BODY = (
    'She said "turn back" -- and we didn\'t... The ridge was 1,200--1,400 m.\n\n'
    '```sh\necho "as typed" -- ok...\n```\n'
)
PAGE = "ridge/index.html"


@pytest.fixture
def desk(tmp_path: Path) -> Services:
    services = open_services(tmp_path / "fieldnotes.db")
    services.entries.create(EntryFields(
        title='The "Ridge" -- at last', slug="ridge", body=BODY, status=FINISHED, summary="It's done.",
    ))  # fmt: skip
    services.entries.create(EntryFields(title="Plain words", slug="plain", body="Nothing to set.\n", status=FINISHED))
    return services


def page(out: Path, path: str = PAGE) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_a_new_site_publishes_curly_quotes_dashes_and_ellipses_and_the_title_matches(
    desk: Services, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    try:
        desk.exports.export(ExportOptions(out=out))
    finally:
        desk.close()
    html = page(out)
    assert "She said “turn back” – and we didn’t… The ridge was 1,200–1,400 m." in html
    assert '"as typed"</span>' in html and "ok...\n" in html and "“as typed”" not in html  # the code as typed
    assert '<h1 class="entry-title">The “Ridge” – at last</h1>' in html
    assert "<title>The “Ridge” – at last — " in html and 'content="It’s done."' in html
    assert ">The “Ridge” – at last</a>" in page(out, "index.html")
    assert "<title>The “Ridge” – at last</title>" in page(out, "feed.xml")


def test_switching_the_setting_or_the_language_rewrites_the_pages_that_change(desk: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    try:
        desk.exports.export(ExportOptions(out=out))
        assert desk.exports.export(ExportOptions(out=out)).changed == 0
        desk.site.update(typography="plain")
        as_typed = desk.exports.export(ExportOptions(out=out))
        plain_html = page(out)
        desk.site.update(typography="smart", language="de")
        german = desk.exports.export(ExportOptions(out=out))
        german_html = page(out)
        assert desk.exports.export(ExportOptions(out=out)).changed == 0
    finally:
        desk.close()
    assert as_typed.changed > 0 and german.changed > 0
    assert 'She said "turn back" -- and we didn\'t...' in plain_html
    assert '<h1 class="entry-title">The &#34;Ridge&#34; -- at last</h1>' in plain_html
    assert "She said „turn back“ – and we didn’t…" in german_html
    assert '<h1 class="entry-title">The „Ridge“ – at last</h1>' in german_html


def test_the_section_cache_filled_as_typed_is_not_served_smart(desk: Services, tmp_path: Path) -> None:
    try:
        desk.site.update(typography="plain")
        desk.exports.export(ExportOptions(out=tmp_path / "plain"))  # keeps the sections, as typed
        desk.site.update(typography="smart")
        desk.exports.export(ExportOptions(out=tmp_path / "smart"))
    finally:
        desk.close()
    assert "“turn back”" in page(tmp_path / "smart")
    assert '"turn back"' in page(tmp_path / "plain")


def test_the_workers_render_with_the_typography_their_kit_carries(desk: Services, tmp_path: Path) -> None:
    from fieldnotes_desktop.export.site import SiteBuilder, SiteSnapshot
    from fieldnotes_desktop.export.theme import Theme

    try:
        entries = desk.entries.list_summaries()
        snapshot = SiteSnapshot(desk.site.get(), entries, entries)
        builder = SiteBuilder(Theme(), snapshot, now=entries[0].updated_at,
                              find_asset=desk.assets.find, asset_data=desk.assets.data)
        summary = next(e for e in entries if e.slug == "ridge")
        ctx = builder.page_context(summary)
    finally:
        desk.close()
    kit = builder.page_kit
    assert kit.typography == typography_for("smart", "en")
    assert pickle.loads(pickle.dumps(kit)) == kit  # as it travels to a worker process
    ((smart, _),) = build_pages(kit, [PageJob(ctx, BODY, {}, False)])
    ((plain, _),) = build_pages(replace(kit, typography=PLAIN), [PageJob(ctx, BODY, {}, False)])
    assert "“turn back”" in smart.html and '"turn back"' in plain.html
