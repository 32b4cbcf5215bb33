"""The app's dialogs: history, export, site settings, restore from backup and about."""

from fieldnotes_desktop.ui.dialogs.about import AboutDialog
from fieldnotes_desktop.ui.dialogs.backups import RestoreBackupDialog
from fieldnotes_desktop.ui.dialogs.export import ExportDialog
from fieldnotes_desktop.ui.dialogs.revisions import RevisionsDialog
from fieldnotes_desktop.ui.dialogs.site import SiteSettingsDialog

__all__ = ["AboutDialog", "ExportDialog", "RestoreBackupDialog", "RevisionsDialog", "SiteSettingsDialog"]
