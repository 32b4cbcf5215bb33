"""Time the Markdown renderer on a blog post and on a book-length document.

Run: python tests/benchmarks/bench_render.py [--repeat N] [--edits N]
Not a pytest test (the file is named bench_*); it prints figures to compare with
DESIGN.md section 7.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldnotes_desktop.render import (  # noqa: E402
    SectionRenderer,
    count_words,
    render_markdown,
    split_sections,
)

_WORDS = (
    "ridge camp morning snow rope glacier the a of and to in we our wind light "
    "slowly above below porter tea tent summit crevasse route weather cloud ice "
    "rock step breath pace valley trail village yak stove water cold warm quiet "
    "long short steep gentle careful again before after while because through"
).split()
_CODE = '''```python
def acclimatise(altitude_m: int, days: int) -> float:
    """Rough daily gain that keeps a party safe."""
    if days <= 0:
        raise ValueError("days must be positive")
    return altitude_m / days
```'''
_TABLE = "| Camp | Height | Day |\n|:-----|-------:|:---:|\n| Base | 5,300 m | 1 |\n| One | 6,100 m | 4 |"
_LIST = "- pack the stove\n- check the rope\n  - twice\n- [x] water bottles\n- [ ] spare gloves"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] = f"*{rng.choice(_WORDS)}*"
    if rng.random() < 0.08:
        words[rng.randrange(len(words))] = f"[{rng.choice(_WORDS)}](https://example.org/{rng.randint(1, 99)})"
    return " ".join(words).capitalize() + "."


def make_document(target_words: int, seed: int = 8200) -> str:
    """Deterministic prose with a heading every ~400 words and some code, lists, tables."""
    rng = random.Random(seed)
    blocks: list[str] = []
    words = 0
    since_heading = 400
    chapter = 0
    while words < target_words:
        if since_heading >= 400:
            chapter += 1
            level = "#" if chapter % 5 == 1 else "##"
            blocks.append(f"{level} Notes from camp {chapter}")
            since_heading = 0
        roll = rng.random()
        if roll < 0.06:
            blocks.append(_CODE)
        elif roll < 0.09:
            blocks.append(_LIST)
        elif roll < 0.11:
            blocks.append(_TABLE)
        elif roll < 0.14:
            blocks.append("> " + _sentence(rng))
        else:
            paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
            blocks.append(paragraph)
            count = len(paragraph.split())
            words += count
            since_heading += count
    return "\n\n".join(blocks) + "\n"


def _time(func: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(f"{label:<52} median {statistics.median(times):9.2f} ms   p95 {p95:9.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()

    post = make_document(1_500, seed=1)
    book = make_document(200_000, seed=2)
    print(f"post: {count_words(post):,} words; book: {count_words(book):,} words, "
          f"{len(split_sections(book)):,} sections, {len(book):,} characters")

    render_markdown(post)  # warm the parser, lexers and sanitizer
    _report("render_markdown, 1,500-word post", _time(lambda: render_markdown(post), args.repeat))
    _report("render_markdown, 200k-word book", _time(lambda: render_markdown(book), 3))
    _report("split_sections, 200k-word book", _time(lambda: split_sections(book), args.repeat))
    _report("count_words, 200k-word book", _time(lambda: count_words(book), 5))

    renderer = SectionRenderer()
    _report("SectionRenderer first render, 200k-word book", _time(lambda: renderer.render(book), 1))
    rng = random.Random(3)
    edit_times: list[float] = []
    insert_times: list[float] = []
    text = book
    for _ in range(args.edits):
        position = rng.randrange(len(text))
        text = text[:position] + rng.choice("aeiou") + text[position:]
        edit_times += _time(lambda: renderer.render(text), 1)
        position = text.find("\n\n", rng.randrange(len(text) // 2))
        text = text[:position] + "\n\nA new line." + text[position:]
        insert_times += _time(lambda: renderer.render(text), 1)
    _report(f"re-render after one-char edit ({args.edits} edits)", edit_times)
    _report(f"re-render after inserting a paragraph ({args.edits})", insert_times)
    section = split_sections(book)[10].text
    _report("render one typical section (no cache)",
            _time(lambda: SectionRenderer(cache_size=0).render(section), args.repeat))
    print(f"renderer stats: {renderer.stats}")


if __name__ == "__main__":
    main()
