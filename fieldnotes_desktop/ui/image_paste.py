"""Images pasted or dropped into the editor: stored as assets on the database lane, then linked in the text."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.render.image_refs import asset_destination
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.editor import ImageSource, MarkdownEditor
from fieldnotes_desktop.ui.preview import PreviewView
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks


class ImagePaste(QObject):
    """Turns the editor's `images_received` into stored assets and `![alt](assets/…)` lines."""

    message = Signal(str)  # a passing note for the status bar

    def __init__(self, services: Services, tasks: Tasks, editor: MarkdownEditor, preview: PreviewView,
                 current_entry: Callable[[], int | None], present_error: Callable[[BaseException], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._editor = editor
        self._preview = preview
        self._current_entry = current_entry
        self._present_error = present_error
        editor.images_received.connect(self._on_editor_images_received)

    def _on_editor_images_received(self, images: list[ImageSource], cursor: QTextCursor) -> None:
        entry_id = self._current_entry()
        if entry_id is None or self._editor.isReadOnly():
            return
        services = self._services

        def store() -> list[Asset]:
            assets = services.assets
            return [assets.add(image.name, image.read(), image.mime) for image in images]

        def insert(stored: list[Asset]) -> None:
            self._preview.images.add(stored)  # known to the renderer before its Markdown arrives
            markdown = "\n".join(image_markdown(a.filename) for a in stored)
            if self._current_entry() != entry_id:
                self.message.emit("The image was stored; insert it with " + markdown)
                return
            start = cursor.position()
            self._editor.insert_at(cursor, markdown)
            if len(stored) == 1:  # its words are a guess: selected, for the writer to type over
                alt = alt_text(stored[0].filename)
                cursor.setPosition(start + 2)
                cursor.setPosition(start + 2 + len(alt), QTextCursor.MoveMode.KeepAnchor)
                self._editor.setTextCursor(cursor)

        self._tasks.run(Op(store, Changes.ASSETS), insert, self._on_image_failed)

    def _on_image_failed(self, error: BaseException) -> None:
        if isinstance(error, OSError):
            error = FieldnotesError(f"The image could not be read: {error.strerror or error}.")
        self._present_error(error)


def image_markdown(filename: str) -> str:
    """`![summit view](<assets/summit view.jpg>)`: an image that parses whatever its file is called
    (`asset_destination`), with its name in words as the alt text."""
    return f"![{alt_text(filename)}]({asset_destination(filename)})"


def alt_text(filename: str) -> str:
    """The file's name in words (`summit-view_2.jpg` → `summit view 2`), without what Markdown reads."""
    stem = filename.rsplit(".", 1)[0]
    words = _NOT_WORDS.sub(" ", stem.replace("-", " ").replace("_", " "))
    return " ".join(words.split()) or "image"


_NOT_WORDS = re.compile(r"[\[\]\\*`<>!]")
