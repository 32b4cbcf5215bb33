"""The app's dialogs: history, export, site settings, restore from backup and about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldnotes_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from fieldnotes_desktop.ui.dialogs.about import AboutDialog
    from fieldnotes_desktop.ui.dialogs.backups import RestoreBackupDialog
    from fieldnotes_desktop.ui.dialogs.export import ExportDialog
    from fieldnotes_desktop.ui.dialogs.revisions import RevisionsDialog
    from fieldnotes_desktop.ui.dialogs.site import SiteSettingsDialog

# Each loaded when first opened: the export dialog alone brings the whole exporter (~150 ms).
_HOMES = {
    "AboutDialog": "about",
    "RestoreBackupDialog": "backups",
    "ExportDialog": "export",
    "RevisionsDialog": "revisions",
    "SiteSettingsDialog": "site",
}
__all__ = [
    "AboutDialog",
    "ExportDialog",
    "RestoreBackupDialog",
    "RevisionsDialog",
    "SiteSettingsDialog",
]

__getattr__ = lazy_names(__name__, _HOMES)
