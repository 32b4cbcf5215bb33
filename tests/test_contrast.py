"""Every text colour of the app's two themes and of the site's two palettes is at least 4.5:1
against the backgrounds it is drawn on (WCAG 2 AA for body text).

The pairs below are where each colour is used (ui/theme.py's stylesheet, the list's cards,
the editor's highlighter, the site's CSS); non-text uses (borders, scroll handles, a
disabled control, which WCAG leaves out) are not listed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fieldnotes_desktop
from fieldnotes_desktop.ui.dialogs.diffing import COLOURS as DIFF_STYLES
from fieldnotes_desktop.ui.theme import DARK, LIGHT, Colors

AA = 4.5
SITE_CSS = Path(fieldnotes_desktop.__file__).parent / "export" / "theme" / "site.css"

# colour → the backgrounds it is text on
APP_USES = {
    "text": ("window", "panel", "base", "row_selected", "selection"),  # everywhere; selected text too
    "muted": ("window", "panel", "base", "row_selected"),  # status bar, labels, list cards, filter tabs
    "faint": ("window", "panel", "base"),  # Markdown markers, placeholders, hints in dialogs
    "accent": ("base",),  # the editor's list markers and headings
    "link": ("base",),
    "quote": ("base",),
    "code_fg": ("base", "code_bg"),
    "error": ("window", "base"),  # the save state, a dialog's error line
}
CHIPS = (("draft_fg", "draft_bg"), ("finished_fg", "finished_bg"), ("scheduled_fg", "scheduled_bg"))  # status chips, the conflict bar
SITE_USES = {
    "ink": ("paper", "paper-deep", "code-bg", "mark"),
    "ink-soft": ("paper", "paper-deep", "code-bg"),
    "ink-faint": ("paper", "paper-deep"),  # dates, captions, the footer's small print
    "accent": ("paper", "paper-deep", "accent-soft"),
    "link": ("paper", "paper-deep"),
}


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_ratio_is_wcag_s():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss


@pytest.mark.parametrize("colors", [LIGHT, DARK], ids=["light", "dark"])
def test_the_app_s_text_colours_read(colors: Colors):
    low = []
    for fg, backgrounds in APP_USES.items():
        for bg in backgrounds:
            ratio = contrast(getattr(colors, fg), getattr(colors, bg))
            if ratio < AA:
                low.append(f"{fg} on {bg}: {ratio:.2f}")
    for fg, bg in CHIPS:
        ratio = contrast(getattr(colors, fg), getattr(colors, bg))
        if ratio < AA:
            low.append(f"{fg} on {bg}: {ratio:.2f}")
    assert low == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_compare_dialog_s_text_colours_read(dark: bool):
    colors = DARK if dark else LIGHT
    for name, style in DIFF_STYLES[dark].items():
        fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", style)
        bg = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", style)
        assert fg is not None, name
        background = bg.group(1) if bg else colors.base
        assert contrast(fg.group(1), background) >= AA, f"{name}: {contrast(fg.group(1), background):.2f}"


def site_palettes() -> dict[str, dict[str, str]]:
    css = SITE_CSS.read_text(encoding="utf-8")
    light = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    dark = css[css.index(":root.fn-dark {") : css.index("}", css.index(":root.fn-dark {"))]
    media = css[css.index("@media (prefers-color-scheme: dark)") :]
    media = media[: media.index("}")]
    read = lambda block: dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", block))  # noqa: E731
    return {"light": read(light), "dark": read(dark), "dark by the system": read(media)}


@pytest.mark.parametrize("palette", ["light", "dark", "dark by the system"])
def test_the_site_s_text_colours_read(palette: str):
    colours = site_palettes()[palette]
    low = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
        for fg, backgrounds in SITE_USES.items()
        for bg in backgrounds
        if contrast(colours[fg], colours[bg]) < AA
    ]
    assert low == []


def test_the_dark_palettes_of_the_site_are_one():
    palettes = site_palettes()
    assert palettes["dark"] == palettes["dark by the system"]  # forced by the app, or by the system
