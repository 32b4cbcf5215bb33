"""The composition root: builds the application, opens the database and wires the window."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import logging.handlers
import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop import config

if TYPE_CHECKING:
    # Annotations only: at run time Qt and the services are imported inside the functions
    # that use them, as before.
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from fieldnotes_desktop.export import EntryPageContext, PreviewPage
    from fieldnotes_desktop.records import Entry
    from fieldnotes_desktop.render.section_cache import TemplateStore
    from fieldnotes_desktop.location import Location
    from fieldnotes_desktop.services import Services
    from fieldnotes_desktop.services.assets import AssetService
    from fieldnotes_desktop.ui.instance import InstanceLock
    from fieldnotes_desktop.ui.main_window import MainWindow

log = logging.getLogger("fieldnotes_desktop")

APP_ORGANIZATION = "Field Notes"
APP_DISPLAY_NAME = "Field Notes"
SETTINGS_FILE = "desktop.ini"
# Set to 1, the app quits once its window is shown and the preview has rendered: the
# packaged bundle's smoke test uses it to prove the whole GUI starts, offscreen.
SMOKE_ENV = "FIELDNOTES_SMOKE_TEST"
SMOKE_TIMEOUT_MS = 120_000
SWITCH_INTERVAL_S = 0.001


def default_settings_path() -> Path:
    import platformdirs

    return platformdirs.user_config_path(config.APP_NAME) / SETTINGS_FILE


def setup_logging() -> Path:
    """A rotating log in the user's log folder: where unexpected errors leave their traceback."""
    folder = config.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fieldnotes.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def welcome_entry(services: Services) -> Entry | None:
    """On a first run (no entry at all, not even in the trash) adds the welcome entry."""
    from fieldnotes_desktop.records import EntryFilter
    from fieldnotes_desktop.services.markdown_files import parse_file

    entries = services.entries
    if entries.count(EntryFilter()) or entries.count(EntryFilter(trashed=True)):
        return None
    raw = (resources.files("fieldnotes_desktop") / "data" / "welcome.md").read_bytes()
    fields = parse_file(Path("welcome.md"), raw, dt.date.today()).fields
    return entries.create(fields)


def build_main_window(db_path: Location | str, settings_path: Path | None = None) -> MainWindow:
    """The ready main window over `db_path`, a file or a server desk's address (the QApplication
    must exist); not yet shown.

    Raises `FieldnotesError` when the database cannot be opened or another window has it.
    """
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from fieldnotes_desktop import services as services_package
    from fieldnotes_desktop.config import theme_override_dir
    from fieldnotes_desktop.store.plain_read import first_look
    from fieldnotes_desktop.ui.desk import Desk
    from fieldnotes_desktop.ui.desk_care import DeskCare
    from fieldnotes_desktop.ui.dialog_launcher import DialogLauncher
    from fieldnotes_desktop.ui.dispatcher import ViewRefresher
    from fieldnotes_desktop.ui.editor import MarkdownEditor
    from fieldnotes_desktop.ui.entry_list import EntryListPanel
    from fieldnotes_desktop.ui.entry_model import PAGE_SIZE
    from fieldnotes_desktop.ui.errors import ErrorPresenter
    from fieldnotes_desktop.ui.external_changes import ExternalChanges
    from fieldnotes_desktop.ui.instance import InstanceLock
    from fieldnotes_desktop.ui.main_window import MainWindow
    from fieldnotes_desktop.ui.metadata import MetadataPanel
    from fieldnotes_desktop.ui.preview import PreviewView
    from fieldnotes_desktop.ui.preview.images import AssetIndex
    from fieldnotes_desktop.ui.scheduled_releases import ScheduledReleases
    from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks
    from fieldnotes_desktop.ui.theme import ThemeController
    from fieldnotes_desktop.ui.window_state import WindowState

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("build_main_window needs a QApplication")
    # The lanes run Python beside the GUI thread, which waits for the interpreter lock each time
    # it runs a slot: up to the switch interval while a lane holds it. 5 ms a wait, several per
    # keystroke, was a visible stutter; 1 ms costs the lanes little.
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
    from fieldnotes_desktop.location import ServerDesk

    location = config.location_of(db_path)
    # A server desk's files on this computer hang off its anchor, as a file desk's off the file.
    db_path = location.path if isinstance(location, ServerDesk) else location
    if isinstance(location, ServerDesk):
        location.local.mkdir(parents=True, exist_ok=True)  # the window lock is made in it
    instance = InstanceLock(db_path)
    instance.acquire()  # before opening: a second window must not even migrate the file
    # One settings file for the window and its dialogs; one set of lanes; one error presenter.
    settings = QSettings(str(settings_path or default_settings_path()), QSettings.Format.IniFormat)
    state = WindowState(settings, db_path)
    # A current file shows its first screen from a plain read, and the store (with SQLAlchemy,
    # a quarter of a second to import) opens on the database lane once the window is up. Any
    # other file is opened first, as it always was: refused, upgraded behind a notice, or given
    # its welcome entry.
    look = None if isinstance(location, ServerDesk) else first_look(db_path, state.last_entry_id(), PAGE_SIZE)
    if look is not None:
        services = services_package.open_services(db_path, deferred=True, author=state.writer_name())
    else:
        services = _open_services_now(location, instance, state.writer_name())
    tasks = Tasks()
    tasks.at_shutdown(services.close)  # after every lane has stopped using it
    theme = ThemeController(app, state.theme())
    theme.apply()
    window: MainWindow | None = None
    presenter = ErrorPresenter(lambda: window, str(config.log_dir() / "fieldnotes.log"))
    tasks.failed.connect(presenter.present)

    def assets() -> AssetService:  # on the database lane, where a deferred store opens
        return services.assets

    images = AssetIndex(assets)
    theme_dir = theme_override_dir(db_path)
    # The theme is loaded when the preview starts, once the window is usable. What exports
    # rendered is read by the preview on the database lane when it opens an entry.
    def load_parts() -> tuple[PreviewPage, str | None]:
        from fieldnotes_desktop.ui.preview.sources import page_parts

        return page_parts(theme_dir)

    def page_context(entry: Entry) -> EntryPageContext:  # the exporter is imported on first use
        return services.exports.page_context(entry)

    @functools.cache
    def kept_sections() -> TemplateStore:  # what exports rendered, read with the page context
        from fieldnotes_desktop.services.section_cache import StoredSections

        return StoredSections(services.store)

    preview = PreviewView(tasks, load_parts, page_context, images, kept_sections=kept_sections)
    entry_list = EntryListPanel(tasks, services)
    metadata = MetadataPanel()
    editor = MarkdownEditor()
    desk = Desk(services, tasks, entry_list, metadata, editor, preview, presenter.present)
    window = MainWindow(services=services, tasks=tasks, desk=desk, entry_list=entry_list, metadata=metadata,
                        editor=editor, preview=preview, theme=theme, state=state, presenter=presenter,
                        instance=instance)
    desk.setParent(window)  # the desk and its timers go with the widgets they drive
    tasks.setParent(window)
    ViewRefresher(tasks, entry_list, desk, images, window)
    window.dialogs = DialogLauncher(
        services, tasks, settings, window,
        on_revision_restored=desk.apply_restored,
        on_site_changed=lambda _site: desk.refresh_preview(),
        on_backup_restored=window.after_restore,
    )
    care = DeskCare(services, tasks, _export_folders(settings, db_path), window)
    care.damaged.connect(window.show_database_damaged)
    care.backup_skipped.connect(lambda why: window.show_care_note(f"Today's backup was not made: {why}"))
    care.exports_recovered.connect(lambda folders: window.show_care_note(
        "Finished the export that was interrupted in " + ", ".join(map(str, folders)) + "."))
    window.care = care
    external = ExternalChanges(tasks, lambda: services.entries.data_version(), window)
    external.changed.connect(lambda: tasks.changed.emit(Changes.EVERYTHING))
    external.changed.connect(desk.check_stored_version)
    window.external = external
    releases = ScheduledReleases(services, tasks, desk, entry_list, window)
    window.releases = releases

    def usable() -> None:
        # Queued once the first screen is up, so that nothing opens the store before: first
        # the images, known before the preview (which starts after this) renders its first page.
        tasks.run(Op(images.reload, key="asset-index"))
        care.start()
        external.start()
        releases.start()  # at start, then once a minute: what came due while the app was closed
        # Another program may have changed the open entry after the first look, before the
        # probe's first reading (it notices only later changes): read again if it did.
        desk.check_stored_version()

    window.started.connect(usable)
    window.start(first_run_body=lambda: welcome_entry(services), first_look=look)
    desk.collector.start()  # after everything start-up makes: it is frozen out of collections
    return window


def _open_services_now(db_path: Location, instance: InstanceLock, author: str | None) -> Services:
    """Opens the store before the window exists: its refusals stop the start, its upgrade shows a notice."""
    from fieldnotes_desktop import services as services_package

    notice = upgrade_notice(db_path)
    try:
        return services_package.open_services(db_path, author=author)
    except BaseException:
        instance.release()
        raise
    finally:
        if notice is not None:
            notice.close()


def _export_folders(settings: QSettings, db_path: Path) -> list[Path]:
    """Where this app exports to, so an export cut short by a kill or a power cut is finished at start."""
    from fieldnotes_desktop.ui.dialog_launcher import default_export_dir
    from fieldnotes_desktop.ui.window_state import EXPORT_FOLDER_KEY

    remembered = settings.value(EXPORT_FOLDER_KEY, "")
    folders = [Path(str(remembered)).expanduser()] if remembered else []
    return folders + [default_export_dir(db_path)]


def upgrade_notice(db_path: Location) -> QWidget | None:
    """A note on screen while an older database is backed up and upgraded, or None when it is current.

    The upgrade runs before the window exists and can take a while (rebuilding the search index
    of 100,000 entries: ~20 s); without a word the writer would see nothing happen.
    """
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
    from PySide6.QtWidgets import QLabel

    from fieldnotes_desktop.store.engine import needs_upgrade
    from fieldnotes_desktop.location import ServerDesk

    if isinstance(db_path, ServerDesk) or not needs_upgrade(db_path):
        return None
    label = QLabel(
        f"Upgrading {db_path.name} for this version of Field Notes…\n\n"
        "It is backed up first. This happens once; a large collection takes up to a minute."
    )
    label.setObjectName("upgradeNotice")
    label.setWindowTitle(APP_DISPLAY_NAME)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setMargin(32)
    label.show()
    for _ in range(3):  # mapped and painted before the upgrade holds the event loop
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 50)
    return label


def close_for_signal(app: QApplication, window: MainWindow) -> bool:
    """Closes the window as the writer would and quits only if it really closed.

    A save that keeps failing lets the writer keep the window open (closeEvent is ignored);
    quitting regardless would end the process and lose the text still on screen.
    """
    log.info("terminated by a signal: closing the window, which saves")
    if not window.close():
        log.warning("the window stayed open (unsaved changes): not quitting")
        return False
    app.quit()  # the window is saved and gone; another top-level window must not hold us
    return True


def _close_on_terminate(app: QApplication, window: MainWindow) -> None:
    """SIGTERM and SIGINT close the window like the writer would, so the last words are saved.

    Python runs signal handlers only when it has control, which Qt's event loop rarely gives
    it; the wake-up file descriptor makes the loop notice the signal at once.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)  # the wake-up byte does the work
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        reader.recv(64)
        close_for_signal(app, window)

    notifier.activated.connect(on_signal)
    # Parked on the app to keep them alive as long as it: QApplication has no such attribute.
    app._fieldnotes_signal_sockets = (reader, writer, notifier)  # type: ignore[attr-defined]


def _quit_after_first_render(app: QApplication, window: MainWindow) -> None:
    from PySide6.QtCore import QTimer

    def rendered() -> None:
        print("fieldnotes: smoke test: window shown, preview rendered", flush=True)
        QTimer.singleShot(0, window.close)

    def too_slow() -> None:
        print("fieldnotes: smoke test: the preview did not render in time", file=sys.stderr)
        app.exit(3)

    window.preview.rendered.connect(rendered)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, too_slow)


def run_gui(db_path: Location) -> int:
    """Opens the desktop app over `db_path` and runs until the window closes."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from fieldnotes_desktop.errors import FieldnotesError
    from fieldnotes_desktop.ui.instance import AlreadyOpenError, wake_running_instance
    from fieldnotes_desktop.ui.preview import prepare_webengine

    log_path = setup_logging()
    prepare_webengine()  # schemes, shared GL contexts, no sandbox as root: before the app
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    app = QApplication.instance() or QApplication(sys.argv)
    if not isinstance(app, QApplication):  # window icons and display names need a QApplication
        raise RuntimeError("run_gui needs a QApplication, not a QCoreApplication")
    app.setApplicationName(config.APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName(APP_ORGANIZATION)
    app.setDesktopFileName(config.APP_NAME)
    icon = resources.files("fieldnotes_desktop") / "ui" / "resources" / "fieldnotes.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    log.info("starting on %s", db_path)  # a ServerDesk shows itself without its password
    try:
        window = build_main_window(db_path)
    except AlreadyOpenError as exc:
        from fieldnotes_desktop.location import ServerDesk

        if wake_running_instance(db_path.path if isinstance(db_path, ServerDesk) else db_path):
            print(f"fieldnotes: {exc}", file=sys.stderr)
            return 1
        QMessageBox.warning(None, "Field Notes is already open", exc.message)
        return 1
    except FieldnotesError as exc:
        log.error("cannot open %s: %s", db_path, exc.message)
        QMessageBox.critical(None, "Cannot open the database", exc.message)
        return 1
    window.presenter.install_excepthook()
    _close_on_terminate(app, window)
    if os.environ.get(SMOKE_ENV) == "1":
        _quit_after_first_render(app, window)
    window.show()
    code = app.exec()
    _dispose(window)
    log.info("closed (log in %s)", log_path)
    return int(code)


def _dispose(window: MainWindow) -> None:
    """Deletes the closed window while the QApplication still exists, children before parents.

    Left to the interpreter's exit, Python-owned objects go in no set order, and QtWebEngine
    warns (and may crash) when the preview's private profile goes before its page; Qt's own
    tree deletion takes the page first and the profile, its child, after it.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
