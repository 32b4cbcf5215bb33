"""The preview runs no entry script, fetches nothing from the network, and routes clicked links."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from preview_js import make_entry
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QImage
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage
from preview_js import js, jsv, show

from fieldnotes_desktop.ui.preview.guard import entry_slug
from fieldnotes_desktop.ui.preview.page_script import call


class _CountingServer(http.server.ThreadingHTTPServer):
    hits: list[str]


@pytest.fixture
def web_server() -> Iterator[_CountingServer]:
    """A local web server that only counts: any request reaching it is a leak."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            server.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = _CountingServer(("127.0.0.1", 0), Handler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def png(width: int = 6, height: int = 4) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#c0392b"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def test_the_preview_fetches_nothing_from_the_network(services, preview, qtbot, web_server):
    base = f"http://127.0.0.1:{web_server.server_address[1]}"
    entry = make_entry(
        services,
        f"![remote]({base}/markdown.png)\n\n<img src=\"{base}/raw.png\">\n\n"
        f"<p style=\"background:url({base}/bg.png)\">styled</p>\n\n[a link]({base}/page)\n",
    )
    show(preview, qtbot, entry)
    assert f"{base}/markdown.png" in preview.property("renderedHtml")  # left as written…
    qtbot.wait(800)
    assert web_server.hits == []  # …and never fetched

    # Behind the page's content policy the profile's guard blocks any request it is asked for.
    page = QWebEnginePage(preview.page().profile(), preview)
    with qtbot.waitSignal(page.loadFinished, timeout=10000):
        page.setHtml(f'<img src="{base}/unguarded.png"><link rel="stylesheet" href="{base}/x.css">')
    qtbot.waitUntil(lambda: any("unguarded.png" in url for url in preview.request_guard.blocked), timeout=5000)
    qtbot.wait(300)
    assert web_server.hits == []
    page.deleteLater()


def test_file_urls_are_blocked(services, preview, qtbot, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    entry = make_entry(services, f"![secret](file://{secret})\n\n![also]({secret})\n")
    show(preview, qtbot, entry)
    qtbot.wait(500)
    loaded = js(preview, qtbot, "[...document.images].map(i => i.naturalWidth).reduce((a, b) => a + b, 0)")
    assert loaded == 0


def test_no_script_from_an_entry_runs(services, preview, qtbot):
    entry = make_entry(
        services,
        "<script>document.title = 'pwned'</script>\n\n"
        "<img src=\"missing.png\" onerror=\"document.title = 'pwned'\">\n\n"
        "[click](javascript:document.title='pwned')\n\n"
        "<iframe srcdoc=\"<script>parent.document.title='pwned'</script>\"></iframe>\n",
    )
    show(preview, qtbot, entry)
    html = preview.property("renderedHtml")
    assert "<script" not in html
    assert "onerror" not in html
    assert 'href="javascript' not in html
    # Even HTML that slipped past the sanitizer cannot run: the page's policy forbids inline
    # script and its handlers, and JavaScript is off for the page's own world.
    slipped = (
        '<section data-key="x"><img src="nowhere.png" onerror="document.title=\'pwned\'">'
        "<script>document.title='pwned'</script>"
        "<svg onload=\"document.title='pwned'\"></svg></section>"
    )
    js(preview, qtbot, call("replace", slipped, False))
    qtbot.wait(500)
    assert js(preview, qtbot, "document.title") != "pwned"
    assert js(preview, qtbot, "document.title", world=0) != "pwned"


def test_a_stored_image_loads_through_the_asset_scheme(services, preview, qtbot):
    services.assets.add("summit photo.png", png(6, 4))
    preview.images.reload()  # what the dispatcher does when an operation reports Changes.ASSETS
    entry = make_entry(services, "Before.\n\n![The summit](images/summit%20photo.png)\n")
    show(preview, qtbot, entry)
    assert "fnasset://asset/summit%20photo.png" in preview.property("renderedHtml")
    qtbot.waitUntil(
        lambda: js(preview, qtbot, "document.querySelector('#fn-entry-body img').naturalWidth") == 6,
        timeout=10000,
    )
    assert list(preview.scheme_handler.served) == ["summit photo.png"]


class _UrlCatcher(QObject):
    """Stands in for the system browser: Qt hands it what QDesktopServices.openUrl would open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def system_browser() -> Iterator[_UrlCatcher]:
    catcher = _UrlCatcher()
    for scheme in ("http", "https", "mailto"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("http", "https", "mailto"):
        QDesktopServices.unsetUrlHandler(scheme)


def click(view, qtbot, selector: str) -> None:
    """A real mouse click on the element (a script's click() is not a user gesture)."""
    js(view, qtbot, f"document.querySelector({json.dumps(selector)}).scrollIntoView(); 1")
    x, y = jsv(view, qtbot, f"(b => [b.left + 2, b.top + b.height / 2])(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
    QTest.mouseClick(view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(int(x), int(y)))


def test_clicked_links_open_outside_or_switch_entries(services, preview, qtbot, system_browser):
    other = make_entry(services, "The other entry.", title="Other entry", status="finished")
    entry = make_entry(
        services,
        "[site](https://example.org/a)\n\n[mail](mailto:ada@example.org)\n\n"
        f"[sibling](../{other.slug}/)\n\n[top](#top)\n",
        title="Linking",
        status="finished",
    )
    show(preview, qtbot, entry)

    click(preview, qtbot, '#fn-entry-body a[href^="https"]')
    qtbot.waitUntil(lambda: system_browser.urls == ["https://example.org/a"], timeout=5000)
    click(preview, qtbot, '#fn-entry-body a[href^="mailto"]')
    qtbot.waitUntil(lambda: system_browser.urls[-1:] == ["mailto:ada@example.org"], timeout=5000)

    with qtbot.waitSignal(preview.entry_link_clicked, timeout=5000) as clicked:
        click(preview, qtbot, f'#fn-entry-body a[href="../{other.slug}/"]')
    assert clicked.args == [other.slug]
    # "More field notes" in the footer links to entries too.
    with qtbot.waitSignal(preview.entry_link_clicked, timeout=5000) as clicked:
        click(preview, qtbot, "#fn-entry-footer .more a")
    assert clicked.args == [other.slug]
    # Site links that are not entries (the home page) do nothing at all.
    click(preview, qtbot, "#fn-entry-header a.masthead-site")
    qtbot.wait(300)
    assert len(system_browser.urls) == 2
    assert preview.page().url().path() == "/entry/index.html"  # the page never navigated away
    assert "The other entry" not in preview.property("renderedHtml")


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("fnasset://preview/crossing-the-col/", "crossing-the-col"),
        ("fnasset://preview/crossing-the-col/index.html", "crossing-the-col"),
        ("fnasset://preview/now/", None),
        ("fnasset://preview/tag/alps/", None),
        ("fnasset://preview/index.html", None),
        ("fnasset://asset/photo.png", None),
        ("https://example.org/crossing/", None),
    ],
)
def test_entry_slug_of_a_link(url, slug):
    assert entry_slug(QUrl(url)) == slug
