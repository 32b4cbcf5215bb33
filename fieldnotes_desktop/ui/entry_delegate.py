"""Draws one entry of the list as a small card: bold title, muted date and category, a status chip."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from fieldnotes_desktop.records import FINISHED, SCHEDULED, EntrySummary
from fieldnotes_desktop.ui.entry_model import SNIPPET_ROLE, SUMMARY_ROLE
from fieldnotes_desktop.ui.theme import LIGHT, Colors

PAD_X, PAD_Y, GAP = 14, 9, 3


def chip(summary: EntrySummary, c: Colors) -> tuple[str, str, str]:
    """The status chip of an entry's card: its text, background and text colour."""
    if summary.status == FINISHED:
        return "Finished", c.finished_bg, c.finished_fg
    if summary.status == SCHEDULED:
        return "Scheduled", c.scheduled_bg, c.scheduled_fg
    return "Draft", c.draft_bg, c.draft_fg


class EntryCardDelegate(QStyledItemDelegate):
    def __init__(self, colors: Colors = LIGHT) -> None:
        super().__init__()
        self.colors = colors
        self.open_id: int | None = None  # the entry in the editor

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        title = QFont(option.font)
        title.setWeight(QFont.Weight.DemiBold)
        title.setPointSizeF(option.font.pointSizeF() + 0.5)
        meta = QFont(option.font)
        meta.setPointSizeF(max(7.0, option.font.pointSizeF() - 1.0))
        chip = QFont(meta)
        chip.setPointSizeF(max(6.5, meta.pointSizeF() - 0.5))
        chip.setWeight(QFont.Weight.DemiBold)
        return title, meta, chip

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, meta, _chip = self._fonts(option)
        height = PAD_Y * 2 + QFontMetrics(title).height() + GAP + QFontMetrics(meta).height()
        if index.data(SNIPPET_ROLE):
            height += GAP + QFontMetrics(meta).height()
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        summary: EntrySummary | None = index.data(SUMMARY_ROLE)
        if summary is None:
            return
        c = self.colors
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRect(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            background = QColor(c.row_selected)
            if not selected:
                background.setAlpha(110)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(QRectF(rect.adjusted(6, 2, -6, -2)), 7, 7)
        # The accent marks the entry open in the editor: one among several selected, or the
        # open one left out of a selection.
        if summary.id == self.open_id or (selected and self.open_id is None):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(c.accent))
            painter.drawRoundedRect(QRectF(rect.left() + 6, rect.top() + 10, 3, rect.height() - 20), 1.5, 1.5)

        title_font, meta_font, chip_font = self._fonts(option)
        inner = rect.adjusted(PAD_X + 4, PAD_Y, -PAD_X, -PAD_Y)
        title_metrics, meta_metrics = QFontMetrics(title_font), QFontMetrics(meta_font)

        # status chip, right-aligned on the meta line
        chip_text, chip_bg, chip_fg = chip(summary, c)
        chip_metrics = QFontMetrics(chip_font)
        chip_w = chip_metrics.horizontalAdvance(chip_text) + 14
        chip_h = chip_metrics.height() + 2
        meta_top = inner.top() + title_metrics.height() + GAP
        chip_rect = QRectF(inner.right() - chip_w, meta_top + (meta_metrics.height() - chip_h) / 2,
                           chip_w, chip_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(chip_bg))
        painter.drawRoundedRect(chip_rect, chip_h / 2, chip_h / 2)
        painter.setFont(chip_font)
        painter.setPen(QColor(chip_fg))
        painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, chip_text)

        painter.setFont(title_font)
        painter.setPen(QColor(c.text if summary.title else c.muted))
        title = title_metrics.elidedText(summary.title or "Untitled", Qt.TextElideMode.ElideRight,
                                         inner.width())
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), title_metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)

        parts = [summary.date.strftime("%b %-d, %Y")]
        if summary.category:
            parts.append(summary.category)
        if summary.volume is not None:
            parts.append(f"Vol. {summary.volume:02d}")
        meta_width = int(inner.width() - chip_w - 8)
        meta = meta_metrics.elidedText(" · ".join(p for p in parts if p),
                                       Qt.TextElideMode.ElideRight, meta_width)
        painter.setFont(meta_font)
        painter.setPen(QColor(c.muted))
        painter.drawText(QRect(inner.left(), meta_top, meta_width, meta_metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, meta)

        snippet = index.data(SNIPPET_ROLE)
        if snippet:
            plain = " ".join(snippet.replace("<mark>", "").replace("</mark>", "").split())
            top = meta_top + meta_metrics.height() + GAP
            meta_font.setItalic(True)
            painter.setFont(meta_font)
            painter.setPen(QColor(c.quote))
            painter.drawText(QRect(inner.left(), top, inner.width(), meta_metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             QFontMetrics(meta_font).elidedText(plain, Qt.TextElideMode.ElideRight,
                                                                inner.width()))
        painter.restore()
