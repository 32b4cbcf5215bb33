"""The preview sets quotes, dashes and ellipses as the export does, and follows the site setting while it runs."""

from __future__ import annotations

from preview_js import body_text, make_entry, show

from fieldnotes_desktop.export import PreviewPage
from fieldnotes_desktop.render import SectionRenderer, site_typography

BODY = "## It's \"here\"\n\nShe said \"go\" -- it's 1914--1918... `say \"hi\" -- ok`\n"


def test_the_preview_shows_smart_typography_like_the_export(services, preview, qtbot):
    entry = make_entry(services, BODY, title='The "col" -- at last')
    show(preview, qtbot, entry)
    html = preview.property("renderedHtml")
    assert "She said “go” – it’s 1914–1918…" in html
    assert '<code>say "hi" -- ok</code>' in html  # code as typed
    assert '<h1 class="entry-title">The “col” – at last</h1>' in html
    assert "“go” – it’s" in body_text(preview, qtbot)
    # the body is the export's, section for section
    renderer = SectionRenderer(image_url=lambda ref: None, typography=site_typography(services.site.get()))
    exported = PreviewPage.body_html(renderer.render(BODY))
    assert exported in html


def test_a_change_in_site_settings_reaches_the_open_entry(services, preview, qtbot):
    entry = make_entry(services, BODY)
    show(preview, qtbot, entry)
    assert "“go”" in preview.property("renderedHtml")

    services.site.update(typography="plain")
    with qtbot.waitSignal(preview.rendered, timeout=15000):
        preview.show_entry(entry)  # what the window does once Site settings are saved
    html = preview.property("renderedHtml")
    assert 'She said "go" -- it\'s 1914--1918...' in html and "“" not in html
    assert 'She said "go" -- it\'s' in body_text(preview, qtbot)

    services.site.update(typography="smart", language="de")
    with qtbot.waitSignal(preview.rendered, timeout=15000):
        preview.show_entry(entry)
    assert "She said „go“ – it’s" in body_text(preview, qtbot)
    assert preview.stats.failures == []
