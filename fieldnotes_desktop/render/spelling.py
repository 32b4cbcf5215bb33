"""Spelling of prose words through Enchant over Hunspell dictionaries, with a per-word cache; no Qt here.

Enchant is imported only when a dictionary is first asked for (on the compute lane), so the
command line and the window's start never pay for it, and a machine without libenchant or
without a dictionary gets one sentence saying what to install instead of an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# A word: letters, joined by apostrophes or hyphens ("don't", "well-known"). The look-arounds
# leave out pieces of something else: a letter run touching a digit or an underscore inside a
# name ("mp3", "max_size"), a host or a file name ("example.com", "notes.md"), an address or a
# path ("me@host", "/usr/share", "https://"), a #tag, an &entity;. An underscore at the edge is
# emphasis and stays out.
WORD = re.compile(
    r"(?<![^\W_])(?<![^\W_]_)(?<![^\W_]\.)(?<![@/\\#&])"
    r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
    r"(?![^\W_])(?!_[^\W_])(?!\.[^\W_])(?![@/\\]|:/)"
)
MAX_SUGGESTIONS = 6
_CACHE_LIMIT = 200_000  # distinct words remembered per dictionary; a book has ~20,000
NO_ENCHANT = "Spell check needs the Enchant library: install libenchant-2-2 to check spelling."

_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "sv": "Swedish", "da": "Danish", "nb": "Norwegian", "pl": "Polish", "cs": "Czech",
    "fi": "Finnish", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "tr": "Turkish", "hu": "Hungarian",
}
# The region a bare language code means when several are installed (otherwise xx → xx_XX).
_DEFAULT_REGION = {"en": "US", "sv": "SE", "da": "DK", "nb": "NO", "cs": "CZ", "el": "GR", "uk": "UA"}
# Debian's package for a bare code where it is not hunspell-<code>.
_PACKAGES = {"en": "hunspell-en-us", "de": "hunspell-de-de", "pt": "hunspell-pt-pt", "sv": "hunspell-sv-se"}


def checked_words(text: str, skips: Sequence[tuple[int, int]] = ()) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each word of `text` worth checking, outside the `skips` spans.

    Single letters, ALL-CAPS (acronyms) and words with capitals inside (names of things:
    "GitHub", "iPhone") are left alone, as most writers' spell checkers do.
    """
    for match in WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        if len(word) < 2 or word.isupper() or any(c.isupper() for c in word[1:]):
            continue
        if any(start < b and end > a for a, b in skips):
            continue
        yield start, end, word


def language_name(code: str) -> str:
    return _NAMES.get(code.replace("_", "-").split("-")[0].lower(), code)


def missing_dictionary(code: str) -> str:
    """What the writer reads when `code` has no dictionary: which one, and what to install."""
    base, _, region = code.replace("_", "-").partition("-")
    base = base.lower()
    package = f"hunspell-{base}-{region.lower()}" if region else _PACKAGES.get(base, f"hunspell-{base}")
    return f"No {language_name(code)} ({code}) dictionary is installed: install {package} to check spelling."


def best_tag(code: str, installed: list[str]) -> str | None:
    """The installed dictionary for a language code: "pt-BR" → pt_BR, "de" → de_DE, "en" → en_US or
    else any en_*; a region asked for but missing falls back to the language's others."""
    base, _, region = code.replace("-", "_").partition("_")
    base = base.lower()
    by_lower = {tag.lower(): tag for tag in installed}
    wanted = [f"{base}_{region}" if region else "", f"{base}_{_DEFAULT_REGION.get(base, base)}", base]
    for tag in wanted:
        if tag and tag.lower() in by_lower:
            return by_lower[tag.lower()]
    regional = sorted(tag for tag in installed if tag.lower().startswith(base + "_"))
    return regional[0] if regional else None


@dataclass(frozen=True, slots=True)
class Unavailable:
    """No spell check for a language, and the one sentence that says why."""

    language: str
    reason: str


class Speller:
    """One language's dictionary with the words already looked up, and this session's extra words.

    Hunspell answers in ~8 µs a word through ctypes; prose repeats its words, so after the first
    screen nearly every check is a dictionary lookup here. Used on one thread at a time.
    """

    def __init__(self, dictionary: Any, language: str) -> None:
        self._dictionary = dictionary  # an enchant.Dict
        self.language = language
        self.tag: str = dictionary.tag
        self._known: dict[str, bool] = {}

    @property
    def description(self) -> str:
        return f"Checking spelling in {language_name(self.language)} ({self.tag})."

    def is_known(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            if len(self._known) >= _CACHE_LIMIT:
                self._known.clear()
            known = self._known[word] = bool(self._dictionary.check(word))
        return known

    def misspelled(self, text: str, skips: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """The spans of `text`'s misspelled words, outside `skips`."""
        return [(start, end) for start, end, word in checked_words(text, skips) if not self.is_known(word)]

    def suggest(self, word: str) -> list[str]:
        return [s for s in self._dictionary.suggest(word) if s != word][:MAX_SUGGESTIONS]

    def accept(self, word: str) -> None:
        """`word` is right from now on (the personal dictionary, or Ignore): Enchant's session
        list takes it, so its suggestions offer it too."""
        self._dictionary.add_to_session(word)
        self._known[word] = True


def load_speller(code: str) -> Speller | Unavailable:
    """The best installed dictionary for language `code`, or why there is none (slow: off the GUI thread)."""
    try:
        import enchant  # type: ignore[import-untyped]  # pyenchant ships no annotations
    except ImportError:  # pyenchant missing, or libenchant not found
        return Unavailable(code, NO_ENCHANT)
    except OSError as error:  # found but not loadable (a library it needs is missing or too old)
        return Unavailable(code, f"Spell check could not load the Enchant library: {error}.")
    broker = enchant.Broker()
    tag = best_tag(code, [str(found) for found, _provider in broker.list_dicts()])
    if tag is None:
        return Unavailable(code, missing_dictionary(code))
    return Speller(broker.request_dict(tag), code)
