"""The site's typography as a value: published as typed, or smart with the quotes of its language.

A value rather than a flag because it is part of what a rendered section is: the cache keys
(`section_cache.py`), the parser (`parser.py`) and the export's workers all take it. No
markdown-it here, so the preview and the settings can name a typography without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fieldnotes_desktop.records import SiteProfile

SMART = "smart"  # the setting's other value, "plain", publishes as typed

# Double open, double close, single open, single close; each language's usual marks (the CLDR
# delimiters, and its national style guide where they disagree). French sets its guillemets
# off by a no-break space, U+00A0: the word space the Imprimerie nationale's rules ask for
# inside « », kept on the quote's line, and present in every font (the narrow U+202F is not,
# and a reader's fallback font would space it unevenly).
_NBSP = "\u00a0"
_ENGLISH = ("“", "”", "‘", "’")
_GERMAN = ("„", "“", "‚", "‘")
_GUILLEMETS_AND_ENGLISH = ("«", "»", "“", "”")
_SWEDISH = ("”", "”", "’", "’")
_CORNERS = ("「", "」", "『", "』")
_NORWEGIAN = ("«", "»", "‘", "’")
_QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": _ENGLISH,
    "de": _GERMAN,
    "cs": _GERMAN,
    "sk": _GERMAN,
    "fr": ("«" + _NBSP, _NBSP + "»", "‹" + _NBSP, _NBSP + "›"),
    "es": _GUILLEMETS_AND_ENGLISH,
    "it": _GUILLEMETS_AND_ENGLISH,
    "pt": _ENGLISH,  # CLDR's pt is Brazil's; Portugal keeps guillemets
    "pt-pt": _GUILLEMETS_AND_ENGLISH,
    "nl": _ENGLISH,  # today's Dutch print; „ ” survives mostly in handwriting
    "sv": _SWEDISH,
    "fi": _SWEDISH,
    "da": ("»", "«", "›", "‹"),  # Dansk Sprognævn's first choice, pointing inwards
    "no": _NORWEGIAN,
    "nb": _NORWEGIAN,
    "nn": _NORWEGIAN,
    "pl": ("„", "”", "«", "»"),
    "ru": ("«", "»", "„", "“"),
    "ja": _CORNERS,
    "zh": _ENGLISH,  # simplified Chinese, as printed in mainland China
    "zh-hant": _CORNERS,
    "zh-tw": _CORNERS,
    "zh-hk": _CORNERS,
    "zh-mo": _CORNERS,
}


@dataclass(frozen=True, slots=True)
class Typography:
    """How keyboard punctuation is published: as typed (`quotes` None), or smart with these quotes.

    Smart means curly quotes and apostrophes, `--` as an en dash, `---` as an em dash and `...`
    as an ellipsis, in prose only (see `smart_punctuation.py`).
    """

    quotes: tuple[str, str, str, str] | None = None

    @property
    def smart(self) -> bool:
        return self.quotes is not None

    @property
    def tag(self) -> str:
        """What tells renders of this typography apart in a cache key; "" for as typed."""
        return "" if self.quotes is None else "smart:" + "|".join(self.quotes)


PLAIN = Typography()


@cache
def typography_for(setting: str, language: str) -> Typography:
    """The typography a site setting (`smart` or `plain`) and a language code stand for.

    The language is looked up as BCP 47 does, longest prefix first (`pt-PT`, then `pt`);
    a language without a set of its own gets English quotes.
    """
    if setting.strip().lower() != SMART:
        return PLAIN
    parts = language.strip().lower().replace("_", "-").split("-")
    for end in range(len(parts), 0, -1):
        found = _QUOTES.get("-".join(parts[:end]))
        if found is not None:
            return Typography(found)
    return Typography(_ENGLISH)


def site_typography(site: SiteProfile) -> Typography:
    return typography_for(site.typography, site.language)


# What a new site publishes (`SiteProfile`'s defaults): renders that name no typography get it.
DEFAULT_TYPOGRAPHY = site_typography(SiteProfile())
