"""The live preview: the published entry page, patched in place as the writer types."""

from fieldnotes_desktop.ui.preview.scheme import prepare_webengine, register_schemes
from fieldnotes_desktop.ui.preview.view import PreviewStats, PreviewView

__all__ = ["PreviewStats", "PreviewView", "prepare_webengine", "register_schemes"]
