"""The preview's walls: a profile that fetches nothing but its own scheme, a page that never navigates."""

from __future__ import annotations

import logging
from collections import deque
from pathlib import PurePosixPath

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from fieldnotes_desktop.ui.preview.scheme import PAGE_HOST, SCHEME, SHELL_URL

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({SCHEME, "data", "about"})
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})
# Site-root folders of the export that are not entries.
_NOT_ENTRIES = frozenset({"assets", "category", "categories", "tag", "tags", "now", "volume", "volumes"})

_Attr = QWebEngineSettings.WebAttribute
# Main-world JavaScript is off: the page's own code (the template's or an entry's) never runs.
# Our patch functions run in the ApplicationWorld, which this setting does not affect.
_SETTINGS_OFF = (
    _Attr.JavascriptEnabled,
    _Attr.JavascriptCanOpenWindows,
    _Attr.JavascriptCanAccessClipboard,
    _Attr.LocalContentCanAccessRemoteUrls,
    _Attr.LocalContentCanAccessFileUrls,
    _Attr.LocalStorageEnabled,
    _Attr.PluginsEnabled,
    _Attr.AutoLoadIconsForPage,
    _Attr.DnsPrefetchEnabled,
    _Attr.HyperlinkAuditingEnabled,
    _Attr.WebGLEnabled,
    _Attr.Accelerated2dCanvasEnabled,
    _Attr.PdfViewerEnabled,
    _Attr.NavigateOnDropEnabled,
)


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request whose scheme is not the preview's own, `data:` or `about:`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: deque[str] = deque(maxlen=200)  # the latest refusals, for tests and logs

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt override
        url = info.requestUrl()
        if url.scheme() in ALLOWED_SCHEMES:
            return
        info.block(True)
        text = url.toString()
        self.blocked.append(text)
        log.info("preview blocked a request to %s", text)


def make_profile(parent: QObject | None = None) -> tuple[QWebEngineProfile, RequestGuard]:
    """A private off-the-record profile: no disk cache, no cookies, no network."""
    profile = QWebEngineProfile(parent)  # no storage name: off the record
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
    profile.setSpellCheckEnabled(False)
    guard = RequestGuard(profile)
    profile.setUrlRequestInterceptor(guard)
    return profile, guard


def entry_slug(url: QUrl) -> str | None:
    """The slug of the entry a preview link points at (`../slug/` from the shell), or None."""
    if url.scheme() != SCHEME or url.host() != PAGE_HOST:
        return None
    parts = [p for p in PurePosixPath(url.path()).parts if p != "/"]
    if parts and parts[-1] == "index.html":
        parts.pop()
    if len(parts) != 1 or parts[0] in _NOT_ENTRIES or "." in parts[0]:
        return None
    return parts[0]


def _is_shell(url: QUrl) -> bool:
    """The shell's address, with or without a `#fragment` (a footnote link inside the page)."""
    return (
        url.scheme() == SHELL_URL.scheme()
        and url.host() == SHELL_URL.host()
        and url.path() == SHELL_URL.path()
        and not url.hasQuery()
    )


class GuardedPage(QWebEnginePage):
    """Loads only the shell; clicked links are reported, never followed inside the preview."""

    external_link_clicked = Signal(QUrl)
    entry_link_clicked = Signal(str)

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        settings = self.settings()
        for attribute in _SETTINGS_OFF:
            settings.setAttribute(attribute, False)
        settings.setAttribute(_Attr.ErrorPageEnabled, False)

    def acceptNavigationRequest(  # noqa: N802 - Qt override
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if is_main_frame and _is_shell(url):
            return True  # the shell itself, or a jump to a footnote inside it
        if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self.route_link(url)
        return False

    def route_link(self, url: QUrl) -> None:
        if url.scheme() in EXTERNAL_SCHEMES:
            self.external_link_clicked.emit(url)
            return
        slug = entry_slug(url)
        if slug is not None:
            self.entry_link_clicked.emit(slug)

    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage:  # noqa: N802
        # A `target="_blank"` link asks for a new window; a catcher page routes its address.
        return _LinkCatcher(self)


class _LinkCatcher(QWebEnginePage):
    """A page that exists only to read the address a new-window link wanted, then goes away."""

    def __init__(self, owner: GuardedPage) -> None:
        super().__init__(owner.profile(), owner)
        self._owner = owner
        self.settings().setAttribute(_Attr.JavascriptEnabled, False)

    def acceptNavigationRequest(  # noqa: N802 - Qt override
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        self._owner.route_link(QUrl(url))
        self.deleteLater()
        return False
