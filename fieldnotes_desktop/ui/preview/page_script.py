"""The JavaScript that patches the preview page, run in the application's own isolated world."""

from __future__ import annotations

import json

from PySide6.QtWebEngineCore import QWebEngineScript

WORLD = int(QWebEngineScript.ScriptWorldId.ApplicationWorld.value)

# Lives in the ApplicationWorld: it shares the page's DOM but not its globals, and it runs
# even though JavaScript is switched off for the page itself (the MainWorld).
_SOURCE = r"""
(() => {
  'use strict';
  const body = () => document.getElementById('fn-entry-body');
  const keyed = (key) => body().querySelector(':scope > [data-key="' + key + '"]');

  // The first section reaching into the viewport, by binary search on its bottom edge.
  function firstVisible(items) {
    let lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid].getBoundingClientRect().bottom > 0) { found = mid; hi = mid - 1; } else { lo = mid + 1; }
    }
    return found;
  }

  // The kept section at the top edge of the view, so it can be put back where it was.
  function takeAnchor(removed) {
    const root = body();
    if (!root || window.scrollY <= 0) return null;
    const items = root.children;
    const at = firstVisible(items);
    if (at < 0 || items[at].getBoundingClientRect().top > 0) return null;
    for (let i = at; i >= 0; i--) {
      const key = items[i].dataset.key;
      if (!removed.has(key)) return { key, top: items[i].getBoundingClientRect().top, y: window.scrollY };
    }
    return { key: null, top: 0, y: window.scrollY };
  }

  function restore(anchor) {
    if (!anchor) return;
    const el = anchor.key === null ? null : keyed(anchor.key);
    if (el) window.scrollBy(0, el.getBoundingClientRect().top - anchor.top);
    else window.scrollTo(0, anchor.y);
  }

  function shiftLines(from, shift) {
    for (let el = from; el; el = el.nextElementSibling) {
      const [a, b] = (el.dataset.lines || '0-0').split('-');
      el.dataset.lines = (+a + shift) + '-' + (+b + shift);
      for (const node of el.querySelectorAll('[data-line]')) node.dataset.line = +node.dataset.line + shift;
    }
  }

  window.fnPreview = {
    init() {
      // We keep the reader's place ourselves; the browser's own anchoring would move it twice.
      document.documentElement.style.overflowAnchor = 'none';
      return !!body();
    },
    regions(header, footer) {
      document.getElementById('fn-entry-header').innerHTML = header;
      document.getElementById('fn-entry-footer').innerHTML = footer;
    },
    replace(html, top) {
      const anchor = top ? null : takeAnchor(new Set());
      body().innerHTML = html;
      if (top) window.scrollTo(0, 0); else restore(anchor);
      return body().children.length;
    },
    patch(beforeKey, removeKeys, html, shift) {
      const root = body();
      const anchor = takeAnchor(new Set(removeKeys));
      for (const key of removeKeys) { const el = keyed(key); if (el) el.remove(); }
      const before = beforeKey === null ? null : keyed(beforeKey);
      if (beforeKey !== null && !before) return -1;
      if (html) {
        if (before) before.insertAdjacentHTML('beforebegin', html);
        else root.insertAdjacentHTML('beforeend', html);
      }
      if (shift) shiftLines(before, shift);
      restore(anchor);
      return root.children.length;
    },
    dark(on) {
      // Both ways explicit: the app's theme wins over the system's colour-scheme preference.
      document.documentElement.classList.toggle('fn-dark', on);
      document.documentElement.classList.toggle('fn-light', !on);
    },
    reveal(line) {
      const items = body().children;
      let lo = 0, hi = items.length - 1, at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (+(items[mid].dataset.lines || '0-0').split('-')[0] <= line) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      if (at < 0) { window.scrollTo(0, 0); return; }
      let target = items[at];
      for (const node of target.querySelectorAll('[data-line]')) {
        if (+node.dataset.line <= line) target = node; else break;
      }
      window.scrollTo(0, window.scrollY + target.getBoundingClientRect().top - 24);
    },
  };
})();
"""


def page_script() -> QWebEngineScript:
    """The script object to add to the page's script collection once."""
    script = QWebEngineScript()
    script.setName("fn-preview")
    script.setSourceCode(_SOURCE)
    script.setWorldId(WORLD)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setRunsOnSubFrames(False)
    return script


def call(function: str, *args: object) -> str:
    """JavaScript calling `fnPreview.<function>` with JSON-encoded arguments (megabytes are fine)."""
    return f"fnPreview.{function}({','.join(json.dumps(a, ensure_ascii=False) for a in args)})"
