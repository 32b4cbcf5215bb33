"""The preview's private URL scheme: it serves the page shell and the database's images, nothing else."""

from __future__ import annotations

import logging
import os
import sys
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Protocol
from urllib.parse import quote, unquote

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QObject, Qt, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from fieldnotes_desktop.ui.tasks import Op, Tasks

log = logging.getLogger(__name__)

SCHEME = "fnasset"
ASSET_HOST = "asset"
PAGE_HOST = "preview"
# The shell sits where an entry page sits in the export, one folder below the site root,
# so the page's relative links (`../other-entry/`) resolve the way they do on disk.
SHELL_URL = QUrl(f"{SCHEME}://{PAGE_HOST}/entry/index.html")
# An image that is itself an SVG document must not run script even if opened directly.
_ASSET_HEADERS = {
    QByteArray(b"Content-Security-Policy"): QByteArray(b"default-src 'none'; style-src 'unsafe-inline'"),
    QByteArray(b"Cache-Control"): QByteArray(b"no-store"),
}
_CACHE_BYTES = 32 * 1024 * 1024


class ImageLoader(Protocol):
    """Reads an image the page asked for; called on the database lane."""

    def load(self, name: str) -> tuple[bytes, bytes] | None: ...


def asset_url(filename: str) -> str:
    """The preview address of a stored image."""
    return f"{SCHEME}://{ASSET_HOST}/{quote(filename, safe='')}"


def register_schemes() -> None:
    """Declares the preview scheme to QtWebEngine; must run before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Secure, so the page is a secure context; not local, so it can never reach file: URLs.
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)


def prepare_webengine() -> None:
    """Everything QtWebEngine needs before the QApplication: schemes, shared GL, the sandbox rule."""
    register_schemes()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    if sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root; the preview runs no entry script anyway.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


class PreviewSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers `fnasset://preview/…` with the shell and `fnasset://asset/<name>` with an image.

    Qt asks on the GUI thread; an image not in the small byte-bounded cache is read on the
    database lane and the request answered when it arrives, so a busy database never stalls
    typing. A request the page gave up on meanwhile is left alone.
    """

    def __init__(self, shell: Callable[[], bytes], images: ImageLoader, tasks: Tasks,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shell = shell
        self._images = images
        self._tasks = tasks
        self._cache: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
        self._cached_bytes = 0
        self.served: deque[str] = deque(maxlen=200)  # the latest images answered, for tests

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 - Qt override
        url = job.requestUrl()
        if job.requestMethod() != QByteArray(b"GET"):
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
        elif url.host() == PAGE_HOST and url.path() == SHELL_URL.path():
            self._reply(job, b"text/html", self._shell())
        elif url.host() == ASSET_HOST:
            encoded = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
            self._reply_asset(job, unquote(encoded.lstrip("/")))
        else:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    def _reply_asset(self, job: QWebEngineUrlRequestJob, name: str) -> None:
        found = self._cache.get(name)
        if found is not None:
            self._cache.move_to_end(name)
            self._answer(job, name, found)
            return
        if not name or "/" in name:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        images = self._images
        self._tasks.run(Op(lambda: images.load(name)),
                        lambda loaded: self._on_loaded(job, name, loaded),
                        lambda error: self._on_load_failed(job, name, error))

    def _on_loaded(self, job: QWebEngineUrlRequestJob, name: str, found: tuple[bytes, bytes] | None) -> None:
        if found is not None:
            self._remember(name, found)
        if not shiboken6.isValid(job):
            return  # the page went on without it (a new entry, the window closing)
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        else:
            self._answer(job, name, found)

    def _on_load_failed(self, job: QWebEngineUrlRequestJob, name: str, error: BaseException) -> None:
        log.warning("preview image %s unavailable: %s", name, error)
        if shiboken6.isValid(job):
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)

    def _answer(self, job: QWebEngineUrlRequestJob, name: str, found: tuple[bytes, bytes]) -> None:
        job.setAdditionalResponseHeaders(_ASSET_HEADERS)
        self.served.append(name)
        self._reply(job, found[0], found[1])

    def _remember(self, name: str, found: tuple[bytes, bytes]) -> None:
        size = len(found[1])
        if size > _CACHE_BYTES // 4:
            return
        self._cache[name] = found
        self._cached_bytes += size
        while self._cached_bytes > _CACHE_BYTES:
            _, (_, data) = self._cache.popitem(last=False)
            self._cached_bytes -= len(data)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: bytes, data: bytes) -> None:
        buffer = QBuffer(job)  # owned by the job, so it lives exactly as long as the reply
        buffer.setData(QByteArray(data))
        job.reply(QByteArray(mime), buffer)
