"""The page shell the preview loads: the export's entry page behind our content policy."""

from __future__ import annotations

import re

from pathlib import Path

from fieldnotes_desktop.errors import ExportFailed, FieldnotesError
from fieldnotes_desktop.export import PreviewPage
from fieldnotes_desktop.ui.preview.scheme import SCHEME

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


def page_parts(theme_dir: Path | None) -> tuple[PreviewPage, str | None]:
    """The theme's page parts, or the built-in theme's and the reason the writer's cannot show a page.

    A theme that cannot render its page (broken, hostile, without a <head>) must not keep the
    window from opening: the preview then shows the built-in theme and the writer is told why.
    """
    parts = PreviewPage(theme_dir)
    try:
        guarded_shell(parts.shell_html())
    except FieldnotesError as exc:
        return PreviewPage(None), exc.message
    return parts, None
