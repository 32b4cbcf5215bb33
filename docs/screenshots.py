"""Takes the README's screenshots: the real app over the sample entries, light and dark.

Run from the repository root under a virtual X server, so the shots do not depend on the
desktop you happen to use:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python docs/screenshots.py

It imports `fieldnotes_desktop/data/samples` into a fresh database in a temporary folder
(settings, logs and caches go there too), opens the main window at 1600×1000 on one entry and
writes `docs/app-light.png` and `docs/app-dark.png`, then the writing aids: `docs/spell-check.png`
(a misspelled word's menu), `docs/writing-mode.png` (focus mode, the other paragraphs dimmed),
`docs/outline.png` and `docs/publish.png` (the Publish dialog after a publish to a folder). `--extra DIR` also shoots focus mode in both themes and the History
and Export dialogs into DIR, for looking at, not for the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "fieldnotes_desktop" / "data" / "samples"
ENTRY = "Three Nights Below the Ridge"  # finished, with an elevation: a full page header
SIZE = (1600, 1000)
SITE = ("--title", "Field Notes", "--author", "Mara Lindqvist", "--role", "Writer & engineer",
        "--location", "Tromsø")


def prepare(folder: Path) -> Path:
    """A database with the samples and a site profile, made by the `fieldnotes` command."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(folder / name.lower())
    db = folder / "notes.db"
    for args in (("import", str(SAMPLES)), ("site", *SITE)):
        subprocess.run([sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), *args],
                       check=True, capture_output=True, cwd=ROOT)
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the two PNGs go")
    parser.add_argument("--extra", type=Path, help="also shoot focus mode and dialogs here")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        parser.error("no X display: run it under xvfb-run (see the top of this file)")
    sys.path.insert(0, str(ROOT))

    with tempfile.TemporaryDirectory(prefix="fieldnotes-shots-") as tmp:
        db = prepare(Path(tmp))
        from fieldnotes_desktop.ui.preview import prepare_webengine

        prepare_webengine()
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv)
        app.setApplicationDisplayName("Field Notes")
        from fieldnotes_desktop.app import build_main_window

        window = build_main_window(db, settings_path=Path(tmp) / "desktop.ini")
        shots = Shots(app, window)
        shots.open_entry(ENTRY)
        args.out.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            shots.set_theme(theme)
            shots.save(window, args.out / f"app-{theme}.png")
        shots.set_theme("light")
        shots.writing_aids(args.out)
        shots.publish(args.out, Path(tmp) / "www")
        if args.extra is not None:
            shots.extras(args.extra)
        window.close()
    return 0


class Shots:
    """Drives the window like a writer would and waits for the preview before each shot."""

    def __init__(self, app, window) -> None:  # type: ignore[no-untyped-def]
        self.app, self.window = app, window
        window.resize(*SIZE)
        window.move(0, 0)
        window.show()
        self.wait(1500)

    def wait(self, ms: int) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def open_entry(self, title: str) -> None:
        model = self.window.entry_list.model
        for row in range(model.rowCount()):
            if model.summary_at(row).title.startswith(title):
                self.window.entry_list.view.setCurrentIndex(model.index(row, 0))
        self.wait(2500)
        self.window.editor.setFocus()

    def until(self, done, ms: int = 60000) -> None:  # type: ignore[no-untyped-def]
        waited = 0
        while not done() and waited < ms:
            self.wait(100)
            waited += 100

    def set_theme(self, theme: str) -> None:
        getattr(self.window.commands, f"theme_{theme}").trigger()
        self.wait(1200)

    def save(self, widget, path: Path) -> None:  # type: ignore[no-untyped-def]
        frame = widget.frameGeometry()
        shot = widget.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        shot.save(str(path))
        print(f"{path} ({shot.width()}×{shot.height()})")

    def writing_aids(self, folder: Path) -> None:
        """The spell check's menu on a misspelled word, writing mode, and the outline beside the text."""
        from PySide6.QtCore import QPoint, QTimer

        window, editor = self.window, self.window.editor
        at = editor.document().find("## What the ridge allows")  # mid-page: room for the menu
        at.setPosition(at.selectionStart())
        editor.setTextCursor(at)
        editor.insertPlainText("The warden swore the weathr would hold untill Thursday.\n\n")
        self.wait(1500)  # checked once the cursor has left the words
        found = editor.document().find("weathr")
        editor.setTextCursor(found)
        editor.centerCursor()  # room below the word for its menu
        self.wait(300)
        rect = editor.cursorRect(found)
        menu = editor.context_menu_at(rect.center())
        QTimer.singleShot(900, lambda: (self.save(window, folder / "spell-check.png"), menu.close()))
        # Below the word, as a right click there would put it, so that the underlines still show.
        below = rect.bottomLeft() + QPoint(0, 6)
        menu.exec(editor.viewport().mapToGlobal(below))
        menu.deleteLater()
        editor.undo()  # the sentence goes again
        self.wait(500)

        window.commands.dim_others.setChecked(True)
        window.commands.focus_mode.setChecked(True)
        cursor = editor.textCursor()
        cursor.setPosition(editor.document().find("A ridge walk").position())
        editor.setTextCursor(cursor)
        editor.centerCursor()
        self.wait(1200)
        self.save(window, folder / "writing-mode.png")
        window.commands.focus_mode.setChecked(False)
        window.commands.dim_others.setChecked(False)

        window.commands.outline.setChecked(True)
        self.wait(1200)
        self.save(window, folder / "outline.png")
        window.commands.outline.setChecked(False)
        self.wait(300)

    def publish(self, folder: Path, target: Path) -> None:
        """The Publish dialog once the site is in a folder: the summary and what was sent, file by file."""
        window = self.window
        window.commands.publish.trigger()
        dialog = window.dialogs.last_dialog
        self.until(lambda: not dialog.is_running())
        dialog.target.setText(str(target))
        dialog.target.editingFinished.emit()
        self.wait(300)
        self.until(lambda: not dialog.is_running() and dialog.report is not None)
        (dialog.publish_anyway if dialog.anyway_button.isVisible() else dialog.start_publish)()
        self.wait(300)
        self.until(lambda: not dialog.is_running() and dialog.report is not None and not dialog.report.dry_run)
        self.wait(800)
        shot = dialog.grab()  # the dialog alone: no window manager draws a frame under Xvfb
        shot.save(str(folder / "publish.png"))
        print(f"{folder / 'publish.png'} ({shot.width()}×{shot.height()})")
        dialog.reject()
        self.wait(300)

    def extras(self, folder: Path) -> None:
        from PySide6.QtGui import QTextCursor

        folder.mkdir(parents=True, exist_ok=True)
        window = self.window
        # Something for the History dialog to show: a snapshot, then more words.
        window.editor.moveCursor(QTextCursor.MoveOperation.End)
        window.editor.insertPlainText("\n\nThe warden says the weather turns on Thursday.")
        window.commands.snapshot.trigger()
        self.wait(800)
        window.editor.insertPlainText(" We leave on Wednesday, at first light.")
        self.wait(1500)
        for theme in ("light", "dark"):
            self.set_theme(theme)
            window.commands.focus_mode.setChecked(True)
            self.wait(600)
            self.save(window, folder / f"focus-{theme}.png")
            window.commands.focus_mode.setChecked(False)
            for name, action in (("history", window.commands.history), ("export", window.commands.export),
                                 ("site", window.commands.site_settings)):
                action.trigger()
                self.wait(1200)
                dialog = window.dialogs.last_dialog
                self.save(dialog, folder / f"{name}-{theme}.png")
                if name == "export":
                    dialog.start_export()
                    self.wait(3000)
                    self.save(dialog, folder / f"{name}-done-{theme}.png")
                dialog.reject()
                self.wait(300)


if __name__ == "__main__":
    sys.exit(main())
