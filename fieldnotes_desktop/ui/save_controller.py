"""Saving without a Save button: on idle, on switch, on quit and on Ctrl+S, never dropping text.

Unsaved values live in `pending` per entry until the database confirms them, so a failed or
superseded write loses nothing: the next write carries them again. Each write captures the
entry's id and text at the moment it is queued, so switching entries cannot mix them up.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal

from fieldnotes_desktop.errors import EntryConflict, FieldnotesError, NotFoundError, ValidationError
from fieldnotes_desktop.records import Entry, EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks

IDLE_MS = 600
# Typing that never pauses for IDLE_MS would never be saved; this caps how long an edit waits.
# 1.5 s, not 2: the write itself and a busy database lane must still fit under the promised 2 s.
MAX_WAIT_MS = 1500
RETRY_MS = (1000, 2000, 4000, 8000, 15000, 30000)
TEXT_FIELDS = ("body", "title")
FACET_FIELDS = frozenset({"category", "tags", "volume"})


class SaveState(enum.StrEnum):
    SAVED = "saved"
    SAVING = "saving"
    FAILED = "failed"


class SaveController(QObject):
    state_changed = Signal(str, str)  # SaveState, the words for the status bar
    entry_saved = Signal(object)  # the Entry as stored
    save_rejected = Signal(int, object)  # entry id, ValidationError/NotFoundError: not retried
    conflicted = Signal(object)  # EntryConflict: someone else saved first; the text stays pending

    def __init__(self, tasks: Tasks, services: Services,
                 body_source: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._services = services  # its entries are asked for on the database lane, where the store opens
        self._body_source = body_source
        self.pending: dict[int, dict[str, Any]] = {}
        self._snapshots: dict[int, str] = {}
        # The stored version each entry's text on screen was based on: a save sends it, and the
        # database refuses the save if another writer stored a newer one meanwhile.
        self._versions: dict[int, int] = {}
        self.conflicts: dict[int, EntryConflict] = {}  # refused saves waiting for the writer's choice
        self._forced: set[int] = set()  # "keep mine": the next save writes over the newer version
        self._current: int | None = None
        self._body_dirty = False
        self._failures = 0
        self._state = SaveState.SAVED
        self.last_error: BaseException | None = None
        self._idle = QTimer(self, singleShot=True, interval=IDLE_MS)
        self._idle.timeout.connect(self.flush)
        self._max_wait = QTimer(self, singleShot=True, interval=MAX_WAIT_MS)
        self._max_wait.timeout.connect(self.flush)
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self.flush)

    def has_unsaved(self) -> bool:
        return self._body_dirty or any(self.pending.values()) or bool(self._snapshots)

    def pending_fields(self, entry_id: int) -> dict[str, Any]:
        """Values of `entry_id` not yet in the database: laid over it when it is opened again."""
        return dict(self.pending.get(entry_id, {}))

    # -- what the writer did -----------------------------------------------------------------

    def set_current(self, entry_id: int | None, version: int | None = None) -> None:
        """The editor now shows `entry_id` as stored at `version`; call `flush()` first so the old text is captured."""
        self._capture_body()
        self._current = entry_id
        self._body_dirty = False
        if entry_id is not None and version is not None and not self.pending.get(entry_id):
            # Unsaved values keep the version they were typed over, or a newer stored text
            # would be overwritten unseen when they are sent.
            self._versions[entry_id] = version

    def base_version(self, entry_id: int) -> int | None:
        return self._versions.get(entry_id)

    def adopt_version(self, entry_id: int, before: int, after: int) -> None:
        """This desk itself moved the stored entry from `before` to `after` (a bulk edit from the
        list): the text typed over `before` is saved over `after`, not refused as a conflict."""
        if self._versions.get(entry_id) == before:
            self._versions[entry_id] = after

    def has_unsaved_for(self, entry_id: int) -> bool:
        dirty = self._body_dirty and entry_id == self._current
        return dirty or bool(self.pending.get(entry_id)) or entry_id in self._snapshots

    def keep_mine(self, entry_id: int) -> None:
        """After a conflict: write this text over the other one, which History keeps as a revision."""
        self.conflicts.pop(entry_id, None)
        self._forced.add(entry_id)
        self.flush()

    def take_theirs(self, entry: Entry) -> None:
        """After a conflict: drop the unsaved values; `entry` (the stored one) is what the editor shows next."""
        self.conflicts.pop(entry.id, None)
        self._forced.discard(entry.id)
        self.pending.pop(entry.id, None)
        self._snapshots.pop(entry.id, None)
        if entry.id == self._current:
            self._body_dirty = False
        self._versions[entry.id] = entry.version
        if not self.has_unsaved():
            self._set_state(SaveState.SAVED)

    def body_changed(self) -> None:
        if self._current is None:
            return
        self._body_dirty = True
        self._edited()

    def field_changed(self, name: str, value: Any) -> None:
        if self._current is None:
            return
        self.pending.setdefault(self._current, {})[name] = value
        self._edited()

    def save_now(self, snapshot: str | None = None) -> None:
        """Ctrl+S: write at once; `snapshot` also keeps this state as a named revision."""
        if snapshot and self._current is not None:
            self._snapshots[self._current] = snapshot
        self.flush()

    def forget(self, entry_id: int) -> None:
        """The entry is gone for good (trash emptied): nothing of it can be saved any more."""
        self.pending.pop(entry_id, None)
        self._snapshots.pop(entry_id, None)
        self.conflicts.pop(entry_id, None)
        self._forced.discard(entry_id)
        self._versions.pop(entry_id, None)
        if entry_id == self._current:
            self._body_dirty = False

    # -- writing -----------------------------------------------------------------------------

    def flush(self) -> None:
        """Queues a write for every entry with unsaved values, the open one first."""
        self._idle.stop()
        self._max_wait.stop()
        self._retry.stop()
        self._capture_body()
        ids = sorted(set(self.pending) | set(self._snapshots), key=lambda i: i != self._current)
        for entry_id in ids:
            if entry_id not in self.conflicts:  # waits for the writer's choice, never retried blindly
                self._submit(entry_id)
        if not ids and self._state is not SaveState.FAILED:
            self._set_state(SaveState.SAVED)

    def flush_and_wait(self, timeout_s: float) -> bool:
        """For quit: writes everything and waits for the answers; True when all is stored."""
        self.flush()
        self._tasks.database.wait_idle(timeout_s)
        # The worker posts its answers before it reports idle, so one pass delivers them all.
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        self._retry.stop()
        return not self.has_unsaved()

    def _capture_body(self) -> None:
        if self._body_dirty and self._current is not None:
            self.pending.setdefault(self._current, {})["body"] = self._body_source()
            self._body_dirty = False

    def _submit(self, entry_id: int) -> None:
        sent = dict(self.pending.get(entry_id, {}))
        snapshot = self._snapshots.get(entry_id)
        if not sent and not snapshot:
            self.pending.pop(entry_id, None)
            return
        fields = EntryFields(**sent)
        services = self._services
        if self._state is not SaveState.FAILED:
            self._set_state(SaveState.SAVING)
        # The saved summary is shown in place; only a new category, tag or volume needs the filters asked again.
        changes = Changes.FACETS if FACET_FIELDS & sent.keys() else Changes.NONE
        base = self._versions.get(entry_id)
        if entry_id in self._forced:
            def write() -> Entry:
                return services.entries.force_update(entry_id, fields, snapshot=snapshot)
        else:
            def write() -> Entry:
                return services.entries.update(entry_id, fields, snapshot=snapshot, base_version=base)
        self._tasks.run(
            Op(write, changes, key=f"save:{entry_id}"),  # a newer write of the same entry replaces a queued one
            lambda entry: self._on_saved(entry_id, sent, snapshot, entry),
            lambda error: self._on_failed(entry_id, sent, error),
        )

    def _on_saved(self, entry_id: int, sent: dict[str, Any], snapshot: str | None,
                  entry: Entry) -> None:
        values = self.pending.get(entry_id, {})
        for name, value in sent.items():
            if name in values and values[name] == value:
                del values[name]  # stored; a newer value typed meanwhile stays pending
        if not values:
            self.pending.pop(entry_id, None)
        if snapshot and self._snapshots.get(entry_id) == snapshot:
            del self._snapshots[entry_id]
        self._versions[entry_id] = entry.version
        self._forced.discard(entry_id)
        self._failures = 0
        self.last_error = None
        self.entry_saved.emit(entry)
        self._set_state(SaveState.SAVING if self.has_unsaved() else SaveState.SAVED)

    def mark_conflict(self, conflict: EntryConflict) -> None:
        """Another writer stored a newer version under unsaved text: hold its saves for the writer's choice.

        Reached two ways: the database refused a save based on the old version, or the app
        noticed the newer version first. Either way nothing is written over it unseen.
        """
        self.conflicts[conflict.entry_id] = conflict
        self.last_error = conflict
        self._set_state(SaveState.FAILED, "Not saved: changed elsewhere — choose above the text")
        self.conflicted.emit(conflict)

    def _on_failed(self, entry_id: int, sent: dict[str, Any], error: BaseException) -> None:
        if isinstance(error, EntryConflict):
            # Another writer saved first. Nothing was written; the text stays pending and on screen.
            self.mark_conflict(error)
            return
        if isinstance(error, NotFoundError):
            self.forget(entry_id)
            self.save_rejected.emit(entry_id, error)
            self._set_state(SaveState.SAVED if not self.has_unsaved() else self._state)
            return
        if isinstance(error, ValidationError):
            # A value the database refuses (a slug already taken) must not hold the text hostage,
            # nor the other fields changed in the same write: drop only the refused one and send
            # the rest again. When the error names no field, every non-text field goes.
            values = self.pending.get(entry_id, {})
            refused = [error.field] if error.field in sent else [n for n in sent if n not in TEXT_FIELDS]
            dropped = False
            for name in refused:
                if name in values and values[name] == sent[name]:  # a newer value stays
                    del values[name]
                    dropped = True
            self.save_rejected.emit(entry_id, error)
            if dropped:
                self._submit(entry_id)
            if not self.has_unsaved():
                self._set_state(SaveState.SAVED)
            return
        self._failures += 1
        self.last_error = error
        delay = RETRY_MS[min(self._failures - 1, len(RETRY_MS) - 1)]
        reason = error.message if isinstance(error, FieldnotesError) else "an unexpected error"
        self._set_state(SaveState.FAILED,
                        f"Not saved: {reason} — retrying in {delay // 1000} s")
        self._retry.start(delay)

    def _edited(self) -> None:
        self._idle.start()  # restarts on every key: the save waits for a pause…
        if not self._max_wait.isActive():
            self._max_wait.start()  # …but never longer than MAX_WAIT_MS after the first unsaved key
        if self._state is not SaveState.FAILED:
            self._set_state(SaveState.SAVING)

    def _set_state(self, state: SaveState, text: str = "") -> None:
        self._state = state
        words = text or {SaveState.SAVED: "Saved", SaveState.SAVING: "Saving…"}.get(state, "")
        self.state_changed.emit(state.value, words)
