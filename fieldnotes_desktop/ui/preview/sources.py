"""What the preview takes from the services: the page shell, the entry's regions and its images."""

from __future__ import annotations

import logging
import re
import threading

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.images import is_external
from fieldnotes_desktop.export import PreviewPage
from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.preview.scheme import SCHEME, asset_url
from fieldnotes_desktop.ui.preview.worker import fallback_regions

log = logging.getLogger(__name__)

# The shell may run no script and load nothing but our own scheme and inline data; our
# patch script is injected by the application and is not subject to the page's policy.
CONTENT_POLICY = (
    "default-src 'none'; "
    f"img-src {SCHEME}: data:; "
    f"style-src 'unsafe-inline' {SCHEME}:; "
    f"font-src {SCHEME}: data:; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'"
)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def guarded_shell(shell: str) -> bytes:
    """The shell with our content policy as the first thing in its `<head>`."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">'
    match = _HEAD.search(shell)
    if match is None:
        raise ExportFailed("The theme's entry.html has no <head> element; add one so the page can be shown.")
    return (shell[: match.end()] + meta + shell[match.end() :]).encode("utf-8")


class EntryRegions:
    """Header and footer of an entry page, from the export's own context (read on the render thread)."""

    def __init__(self, services: Services, page: PreviewPage) -> None:
        self._services = services
        self._page = page

    def regions(self, entry: Entry) -> tuple[str, str]:
        try:
            context = self._services.exports.page_context(entry)
            return self._page.header_html(context), self._page.footer_html(context)
        except Exception:  # the body still shows; the header falls back to the title
            log.exception("preview could not build the header of entry %s", entry.id)
            return fallback_regions(entry)


class ImageUrls:
    """Maps an image reference to the preview's asset address when the database holds it.

    Only hits are remembered: an image added after its reference was typed shows up as
    soon as its section is rendered again.
    """

    def __init__(self, services: Services) -> None:
        self._services = services
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, reference: str) -> str | None:
        if is_external(reference):
            return None  # left as written: the page's policy and the request guard stop it
        with self._lock:
            known = self._known.get(reference)
        if known is not None:
            return known
        try:
            asset = self._services.assets.find(reference)
        except Exception:
            log.exception("preview could not look up the image %s", reference)
            return None
        if asset is None:
            return None
        url = asset_url(asset.filename)
        with self._lock:
            self._known[reference] = url
        return url
