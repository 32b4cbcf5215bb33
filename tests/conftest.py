"""Test-wide settings: Qt renders offscreen, QtWebEngine runs without its sandbox as root."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")
