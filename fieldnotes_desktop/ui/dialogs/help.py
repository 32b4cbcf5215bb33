"""Help ▸ Markdown cheat sheet and Keyboard shortcuts: what to type, and which keys do what here.

The shortcuts are read from the window's own actions, so the list is the bindings of this
platform (Quit is Ctrl+Q on Linux and Windows, ⌘Q on a Mac), never a table that drifts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

# (what to type, what it gives): the Markdown an entry is written in, as the export publishes it.
CHEAT_SHEET = (
    ("## A section", "a heading (the entry's title is the page's only first-level one)"),
    ("**strong** and *emphasis*", "<b>strong</b> and <i>emphasis</i>"),
    ("~~struck~~", "<s>struck</s>"),
    ("[a link](https://example.org)", "a link"),
    ("![what it shows](photo.jpg)", "an image: paste or drop one to store it in the database"),
    ("- an item", "a list; <code>1.</code> numbers it, <code>- [ ]</code> makes a task"),
    ("> a quotation", "a quotation"),
    ("`code` in a line", "<code>code</code> in a line"),
    ("```python", "a block of code, highlighted, until a closing <code>```</code>"),
    ("| a | b |", "a table: a header row, a row of <code>---</code>, then the rows"),
    ("A claim.[^1] … [^1]: Its source.", "a footnote, numbered at the end of the page"),
    ("---", "a line between parts"),
)


# The keys some keyboards have for a command ("Copy", "Undo", Sun's F14 to F20): true, but
# noise in the list.
_MEDIA_KEY = re.compile(r"(?!(?:Del|Ins|Esc)$)[A-Z][a-z]{2,}|F(?:1[3-9]|[2-3][0-9])")


class HelpDialog(QDialog):
    def __init__(self, title: str, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(title)
        self.resize(640, 560)
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def cheat_sheet_html() -> str:
    rows = "".join(
        f"<tr><td><code>{escape(typed)}</code></td><td>{gives}</td></tr>" for typed, gives in CHEAT_SHEET
    )
    return (
        "<h3>Markdown</h3><p>What you type on the left, what the page shows on the right.</p>"
        f"<table cellspacing='0' cellpadding='6'>{rows}</table>"
    )


def shortcuts_html(actions: Iterable[QAction]) -> str:
    """Every command with a key, by menu order as given, each key as this platform writes it."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if not _MEDIA_KEY.fullmatch(k)] or keys
        if keys:
            name = escape(action.text().replace("&", "").rstrip("…"))
            rows.append(f"<tr><td>{name}</td><td><b>{escape(' or '.join(keys))}</b></td></tr>")
    return (
        "<h3>Keyboard shortcuts</h3>"
        "<p>In the editor, Enter continues a list or a quote and Tab nests a list item.</p>"
        f"<table cellspacing='0' cellpadding='5'>{''.join(rows)}</table>"
    )
