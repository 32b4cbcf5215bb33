"""The one place failures become something the writer sees: a dialog for ours, a log for the rest."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldnotes_desktop.errors import FieldnotesError

log = logging.getLogger("fieldnotes_desktop.ui")

UNEXPECTED = (
    "Something went wrong that Field Notes did not expect. Your text is still in the editor; "
    "the details were written to the log file{where}."
)


class ErrorPresenter(QObject):
    """Maps `FieldnotesError` to its own message and anything else to a short note plus the log."""

    error_shown = Signal(str)  # the message the writer was shown

    def __init__(self, parent_widget: Callable[[], QWidget | None], log_file: str = "") -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._log_file = log_file
        self._open_messages: set[str] = set()
        self.last_message = ""

    def message_for(self, error: BaseException) -> str:
        if isinstance(error, FieldnotesError):
            return error.message
        where = f" ({self._log_file})" if self._log_file else ""
        return UNEXPECTED.format(where=where)

    def present(self, error: BaseException, title: str = "Field Notes") -> None:
        if isinstance(error, FieldnotesError):
            log.info("shown to the writer: %s", error.message)
        else:
            log.error(
                "unexpected error\n%s",
                "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            )
        self.show_message(self.message_for(error), title)

    def show_message(self, message: str, title: str = "Field Notes") -> None:
        self.last_message = message
        self.error_shown.emit(message)
        # The same failure repeating (a retried save) must not pile up dialogs.
        if message in self._open_messages:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                          self._parent_widget())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self._open_messages.add(message)
        box.finished.connect(lambda _result: self._open_messages.discard(message))
        box.open()  # not exec(): the app keeps running and a test is never blocked

    def install_excepthook(self) -> None:
        """Routes exceptions escaping Qt slots here instead of aborting the app."""

        def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
            if issubclass(kind, KeyboardInterrupt):
                sys.__excepthook__(kind, value, tb)
                return
            value.__traceback__ = tb
            self.present(value)

        sys.excepthook = hook
