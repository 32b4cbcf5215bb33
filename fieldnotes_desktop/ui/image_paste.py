"""Images pasted or dropped into the editor: stored as assets on the database lane, then linked in the text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.records import Asset
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
            markdown = "\n".join(f"![{_alt(a.filename)}](assets/{a.filename})" for a in stored)
            if self._current_entry() == entry_id:
                self._editor.insert_at(cursor, markdown)
            else:
                self.message.emit("The image was stored; insert it with " + markdown)

        self._tasks.run(Op(store, Changes.ASSETS), insert, self._on_image_failed)

    def _on_image_failed(self, error: BaseException) -> None:
        if isinstance(error, OSError):
            error = FieldnotesError(f"The image could not be read: {error.strerror or error}.")
        self._present_error(error)


def _alt(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return stem.replace("-", " ").replace("_", " ").strip() or "image"
