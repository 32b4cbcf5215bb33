"""Use cases: each public method is one short transaction and hands out frozen records."""

from fieldnotes_desktop.services.container import Services, open_services

__all__ = ["Services", "open_services"]
