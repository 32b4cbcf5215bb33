"""Helpers of the preview tests: entries to show, and JavaScript run in the preview's world."""

from __future__ import annotations

import json
from typing import Any

from fieldnotes_desktop.records import Entry, EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.preview import PreviewView
from fieldnotes_desktop.ui.preview.page_script import WORLD

def js(view: PreviewView, qtbot: Any, source: str, world: int = WORLD, timeout: int = 15000) -> Any:
    box: list[Any] = []
    view.page().runJavaScript(source, world, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def jsv(view: PreviewView, qtbot: Any, expression: str) -> Any:
    """The value of a JavaScript expression, carried as JSON (arrays with nulls survive)."""
    return json.loads(js(view, qtbot, f"JSON.stringify({expression})"))


def body_text(view: PreviewView, qtbot: Any) -> str:
    return str(js(view, qtbot, "document.getElementById('fn-entry-body').innerText"))


def show(view: PreviewView, qtbot: Any, entry: Any, timeout: int = 15000) -> None:
    """Shows `entry` and waits for the whole page (a long one shows its opening screens first)."""
    with qtbot.waitSignal(view.rendered, timeout=timeout, check_params_cb=lambda: view.stats.complete):
        view.show_entry(entry)


def type_body(view: PreviewView, qtbot: Any, body: str, timeout: int = 15000) -> None:
    with qtbot.waitSignal(view.rendered, timeout=timeout):
        view.set_body(body)


def make_entry(services: Services, body: str, title: str = "A test entry", **fields: object) -> Entry:
    return services.entries.create(EntryFields(title=title, body=body, **fields))  # type: ignore[arg-type]
