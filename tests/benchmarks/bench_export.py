"""Benchmark: export 1,000 posts of ~1,500 words with code blocks, side by side with Hugo and a floor.

Run: python tests/benchmarks/bench_export.py [--quick] [--entries N] [--runs N] [--rss-entries N] [--rss-large N]

The same generated posts go into our database and into a minimal Hugo site (its own small
layout: a page per post with its Markdown highlighted, the home page, category and tag
lists, one feed, a sitemap, which is what our export writes). In one run, alternately,
`hugo --quiet` builds it and we export it, with the rendered-section cache cold (a fresh
database) and warm (the cache filled by an earlier export, every page built again into an
empty folder); the median of the runs counts. The floor renders the posts with cmarkgfm (C,
no highlighting), fills a plain Jinja2 template and writes the files (`pip install .[bench]`).
Then: re-exports with nothing changed and after one edit, and the peak memory of an export (and
of a re-export into its folder, nothing changed) in a process of its own at two sizes (`--rss-entries`, 10,000, and `--rss-large`, 30,000; 2,000 and
6,000 with --quick): one size alone hides what grows with the site, so the slope between the two
is printed too, and the target (150 MB) is set on the peak it projects at 100,000 entries. Those
posts are short (`--rss-words`, 150): bodies are read a batch at a time, so what grows with the
site is what is kept per entry, which a long body does not change; long ones would only make the
large export take minutes.
Rates count wall time on this machine, whose two cores other work may share: the load is printed.
Every timed step starts after an untimed `sync`, so that none pays for writing back another's files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, report  # noqa: E402

from fieldnotes_desktop.records import EntryFields  # noqa: E402
from fieldnotes_desktop.services import open_services  # noqa: E402
from fieldnotes_desktop.services.publish import ExportOptions  # noqa: E402

WORDS = (
    "ridge snow commit frame log page writer reader index volume summit trail cache query "
    "thread buffer kernel river stone notebook morning weather deadline station sensor schema "
    "the a of and to in that it is was for on with as by at from this but not"
).split()
CODE = {
    "python": "def total(rows: list[int]) -> int:\n    result = 0\n    for row in rows:\n        result += row * 2\n    return result\n",
    "rust": "fn total(rows: &[u32]) -> u32 {\n    rows.iter().map(|r| r * 2).sum()\n}\n",
    "sql": "SELECT station, count(*) AS readings\nFROM readings\nWHERE taken_at > :since\nGROUP BY station;\n",
    "javascript": "const total = (rows) => rows.reduce((sum, row) => sum + row * 2, 0);\n",
}
CATEGORIES = ["Backend", "Systems", "Data", "Tooling", "Mountains"]
HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} — {{ .Site.Title }}</title>
<link rel="stylesheet" href="/chroma.css"></head>
<body><header><a href="/">{{ .Site.Title }}</a> · {{ .Date.Format "January 2, 2006" }} · {{ .ReadingTime }} min read</header>
<h1>{{ .Title }}</h1>
<article>{{ .Content }}</article>
<footer>{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}</footer>
</body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} — {{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "January 2, 2006" }}<p>{{ .Summary }}</p></li>
{{ end }}</ul></body></html>
"""
HUGO_CONFIG = """baseURL = "https://bench.example/"
title = "Field Notes"
languageCode = "en"
[markup.highlight]
  noClasses = false
[taxonomies]
  category = "categories"
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
"""
FLOOR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }} — Field Notes</title></head>
<body><header>{{ date }} · {{ category }}</header><h1>{{ title }}</h1><article>{{ body }}</article>
<footer>{% for tag in tags %}<a href="../tag/{{ tag }}/">{{ tag }}</a> {% endfor %}</footer></body></html>
"""
FLOOR_LIST = """<!doctype html><html><body><ul>{% for p in posts %}<li><a href="{{ p.slug }}/">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}</ul></body></html>
"""

Post = dict[str, object]


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, target_words: int) -> str:
    parts, written, section = [], 0, 0
    while written < target_words:
        section += 1
        parts.append(f"## Section {section}\n")
        for _ in range(3):
            n = rng.randint(50, 90)
            parts.append(paragraph(rng, n) + "\n")
            written += n
        language = rng.choice(sorted(CODE))
        parts.append(f"```{language}\n{CODE[language]}```\n")
        if section % 3 == 0:
            parts.append("- " + paragraph(rng, 8) + "\n- " + paragraph(rng, 10) + "\n")
            parts.append("> " + paragraph(rng, 20) + "\n")
    return "\n".join(parts)


def posts(entries: int, words: int) -> list[Post]:
    rng = random.Random(42)
    return [
        {
            "title": f"Generated entry {i + 1}: " + paragraph(rng, 5).rstrip("."),
            "slug": f"generated-entry-{i + 1}",
            "body": body(rng, words),
            "category": CATEGORIES[i % len(CATEGORIES)],
            "date": dt.date(2020, 1, 1) + dt.timedelta(days=i),
            "volume": min(99, 1 + i // 100),  # volumes stop at 99
            "elevation": rng.randint(200, 4000),
            "tags": (f"tag{i % 17}", f"tag{i % 5}"),
        }
        for i in range(entries)
    ]


def populate(db: Path, all_posts: list[Post]) -> None:
    services = open_services(db)
    for start in range(0, len(all_posts), 500):  # one transaction per 500: the session stays small
        with services.store.transaction() as session:
            for post in all_posts[start : start + 500]:
                services.entries.create_in(
                    session,
                    EntryFields(
                        title=str(post["title"]), slug=str(post["slug"]), body=str(post["body"]),
                        category=str(post["category"]), status="finished", date=post["date"],  # type: ignore[arg-type]
                        volume=post["volume"], elevation_m=post["elevation"], tags=post["tags"],  # type: ignore[arg-type]
                    ),
                )
    services.site.update(title="Field Notes", author="Bench Mark", base_url="https://bench.example/")
    services.close()


def write_hugo_site(root: Path, all_posts: list[Post]) -> None:
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (root / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
    (root / "hugo.toml").write_text(HUGO_CONFIG)
    content = root / "content" / "posts"
    content.mkdir(parents=True)
    for post in all_posts:
        front = {"title": post["title"], "date": str(post["date"]), "categories": [post["category"]], "tags": list(post["tags"])}  # type: ignore[arg-type]
        (content / f"{post['slug']}.md").write_text(f"{json.dumps(front)}\n\n{post['body']}", encoding="utf-8")


def timed(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds of this process and its reaped children, and the result."""
    def cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    wall, used = time.perf_counter(), cpu()
    result = action()
    return time.perf_counter() - wall, cpu() - used, result


def run_hugo(site: Path, dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run(["hugo", "--quiet", "-s", str(site), "-d", str(dest)], check=True)


def export_into(db: Path, out: Path) -> object:
    services = open_services(db)
    try:
        return services.exports.export(ExportOptions(out=out))
    finally:
        services.close()


def floor(all_posts: list[Post], out: Path) -> None:
    """cmarkgfm + Jinja2 + write: what rendering and writing alone cost, with a C Markdown library."""
    import cmarkgfm
    import jinja2

    shutil.rmtree(out, ignore_errors=True)
    env = jinja2.Environment(autoescape=False)
    page, listing = env.from_string(FLOOR_PAGE), env.from_string(FLOOR_LIST)
    for post in all_posts:
        html = cmarkgfm.github_flavored_markdown_to_html(str(post["body"]))
        folder = out / str(post["slug"])
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(page.render(post, body=html), encoding="utf-8")
    (out / "index.html").write_text(listing.render(posts=all_posts), encoding="utf-8")


def median_line(label: str, walls: list[float], cpus: list[float], entries: int) -> float:
    wall = statistics.median(walls)
    print(
        f"{label:<34} median {wall:6.2f} s ({entries / wall:6.0f} entries/s)  runs {', '.join(f'{w:.2f}' for w in walls)} s"
        f"  CPU median {statistics.median(cpus):.2f} s",
        flush=True,
    )
    return wall


def rss_child(entries: int, work: Path, words: int = 1500) -> tuple[float, float, float]:
    """Peak RSS (MB) of an export of `entries` posts of ~`words` in a fresh process, of its largest
    worker, and of a re-export into the same folder with nothing changed (which reads the last
    export's manifest and keeps every page), in a fresh process too.

    Measured as each process's own high-water mark (`VmHWM`), not `ru_maxrss`: Linux carries
    `ru_maxrss` across exec, so a child started by a big process (this one, holding the posts
    after several exports) reports its parent's peak as its own; the workers likewise.
    """
    db = work / f"rss-{entries}.db"
    code = "import sys; sys.path[:0] = sys.argv[1:3]; import bench_export as b; b.populate(__import__('pathlib').Path(sys.argv[3]), b.posts(int(sys.argv[4]), int(sys.argv[5])))"
    here = str(Path(__file__).resolve().parent)
    subprocess.run([sys.executable, "-c", code, str(Path(here).parents[1]), here, str(db), str(entries), str(words)], check=True)
    measure = (
        "import sys; sys.path[:0] = sys.argv[1:3]; import bench_export as b; from pathlib import Path\n"
        "if __name__ == '__main__':\n"
        "    watch = b.WorkerPeaks(); watch.start()\n"
        "    b.export_into(Path(sys.argv[3]), Path(sys.argv[4]))\n"
        "    watch.stop()\n"
        "    print(b.high_water_kb('self'), watch.peak_kb)\n"
    )
    script = work / "rss_child.py"
    script.write_text(measure)
    command = [sys.executable, str(script), str(Path(here).parents[1]), here, str(db), str(work / f"rss-site-{entries}")]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    own, worker = (int(v) / 1024 for v in done.stdout.split()[-2:])
    again = subprocess.run(command, check=True, capture_output=True, text=True)
    re_export = int(again.stdout.split()[-2]) / 1024
    shutil.rmtree(work / f"rss-site-{entries}", ignore_errors=True)  # a large site is a few hundred MB
    db.unlink()
    return own, worker, re_export


def high_water_kb(pid: str | int) -> int:
    """A process's peak resident set (`VmHWM`, kB); 0 once it is gone. Falls back to ru_maxrss off Linux."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        if pid == "self":
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return 0


class WorkerPeaks:
    """Samples the high-water mark of this process's children (the render workers) until stopped."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        tasks = Path(f"/proc/{os.getpid()}/task")
        while not self._stop.wait(0.2):
            try:  # any thread may have started a worker
                children = [c for task in tasks.iterdir() for c in (task / "children").read_text().split()]
            except OSError:
                continue  # a thread ended while being read (or not Linux: then no worker figure)
            for child in children:
                self.peak_kb = max(self.peak_kb, high_water_kb(child))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each and 2,000 and 6,000 entries for memory")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--rss-entries", type=int, help="the smaller export whose peak memory is measured")
    parser.add_argument("--rss-large", type=int, help="the larger one, for the growth per entry")
    parser.add_argument("--rss-words", type=int, default=150)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    rss_entries = args.rss_entries or (2000 if args.quick else 10_000)
    rss_large = args.rss_large or 3 * rss_entries  # both: about four minutes, most of it the large one
    work = Path(tempfile.mkdtemp(prefix="fieldnotes-bench-export-"))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; work folder {work}", flush=True)

    started = time.perf_counter()
    all_posts = posts(args.entries, args.words)
    base = work / "base.db"
    populate(base, all_posts)
    write_hugo_site(work / "hugo", all_posts)
    print(f"generated {args.entries} posts of ~{args.words} words in {time.perf_counter() - started:.1f} s", flush=True)

    services = open_services(base)
    try:  # the preview asks for this on every pause in typing
        summaries = services.entries.list_summaries()
        entry = services.entries.get(summaries[len(summaries) // 2].id)
        best = min(timed(lambda: services.exports.page_context(entry))[0] for _ in range(5))
        print(f"page_context (the preview's header and footer): {best * 1000:.1f} ms", flush=True)
    finally:
        services.close()
    warm = work / "warm.db"
    shutil.copyfile(base, warm)
    export_into(warm, work / "warm-up")  # fills warm.db's section cache
    walls: dict[str, list[float]] = {"hugo": [], "cold": [], "warm": [], "floor": []}
    cpus: dict[str, list[float]] = {k: [] for k in walls}
    for n in range(runs):
        cold = work / f"cold-{n}.db"
        shutil.copyfile(base, cold)
        steps: dict[str, Callable[[], object]] = {
            "hugo": lambda: run_hugo(work / "hugo", work / "hugo-public"),
            "cold": lambda: export_into(cold, work / f"cold-site-{n}"),
            "warm": lambda: export_into(warm, work / f"warm-site-{n}"),
            "floor": lambda: floor(all_posts, work / "floor-site"),
        }
        for name, step in steps.items():
            # Each step starts with nothing of the others' left to write back: our export makes
            # its files durable with one syncfs(), which would otherwise also flush what Hugo or
            # the floor wrote (they never sync), and writes slow down while the disk catches up.
            os.sync()
            wall, cpu, _ = timed(step)
            walls[name].append(wall)
            cpus[name].append(cpu)
        print(f"run {n + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in walls.items()) + f" (load {os.getloadavg()[0]:.2f})", flush=True)
    n_entries = args.entries
    hugo = median_line("hugo --quiet (both cores)", walls["hugo"], cpus["hugo"], n_entries)
    cold_s = median_line("our export, cold section cache", walls["cold"], cpus["cold"], n_entries)
    warm_s = median_line("our export, warm section cache", walls["warm"], cpus["warm"], n_entries)
    floor_s = median_line("floor: cmarkgfm + Jinja2 + write", walls["floor"], cpus["floor"], n_entries)

    # Re-exports into the folder the warm export wrote last.
    site = work / f"warm-site-{runs - 1}"
    services = open_services(warm)
    same, same_written, edit, edit_written = [], [], [], []
    try:
        ids = [s.id for s in services.entries.list_summaries()]
        for n in range(runs):
            os.sync()
            wall, _, result = timed(lambda: services.exports.export(ExportOptions(out=site)))
            same.append(wall)
            same_written.append(result.changed)  # type: ignore[attr-defined]
            entry = services.entries.get(ids[(n + 1) * len(ids) // (runs + 2)])
            services.entries.update(entry.id, EntryFields(body=entry.body + f"\n\nOne more line, edit {n}.\n"))
            wall, _, result = timed(lambda: services.exports.export(ExportOptions(out=site)))
            edit.append(wall)
            edit_written.append(result.changed)  # type: ignore[attr-defined]
    finally:
        services.close()
    print(f"re-export, nothing changed: median {statistics.median(same):.2f} s (runs {', '.join(f'{w:.2f}' for w in same)}), files written {same_written}")
    print(f"re-export after one edit:   median {statistics.median(edit):.2f} s (runs {', '.join(f'{w:.2f}' for w in edit)}), files written {edit_written}")

    peaks = {}
    for size in (rss_entries, rss_large):
        peaks[size] = rss_child(size, work, args.rss_words)
        print(
            f"peak RSS exporting {size:,} entries of ~{args.rss_words} words (cold cache): {peaks[size][0]:.0f} MB "
            f"in the exporting process, {peaks[size][1]:.0f} MB the largest worker; re-export with nothing "
            f"changed {peaks[size][2]:.0f} MB (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
    own_rss, worker_rss, again_rss = peaks[rss_entries]
    large_rss, large_worker, large_again = peaks[rss_large]
    per_entry_kb = (large_rss - own_rss) * 1024 / (rss_large - rss_entries)
    again_per_entry_kb = (large_again - again_rss) * 1024 / (rss_large - rss_entries)
    projected = large_rss + per_entry_kb * (100_000 - rss_large) / 1024
    again_projected = large_again + again_per_entry_kb * (100_000 - rss_large) / 1024
    print(f"peak RSS grows {per_entry_kb:.2f} KB per entry: {projected:.0f} MB projected at 100,000 entries")
    print(f"re-export peak RSS grows {again_per_entry_kb:.2f} KB per entry: {again_projected:.0f} MB projected at 100,000")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    if args.keep:
        print(f"kept in {work}")
    else:
        shutil.rmtree(work)

    rate = lambda seconds: n_entries / seconds  # noqa: E731
    peer = f"Hugo 0.111: {rate(hugo):.0f} entries/s"
    report(
        Figure("export of 1,000 posts, warm section cache", round(rate(warm_s), 1), "entries/s", peer=peer),
        Figure("export of 1,000 posts, cold section cache", round(rate(cold_s), 1), "entries/s", peer=peer),
        Figure("Hugo 0.111 on the same posts (peer)", round(rate(hugo), 1), "entries/s"),
        Figure("our rate ÷ Hugo's, warm section cache", round(hugo / warm_s, 2), "×", 2.0, ">=", peer=peer),
        # The target is the export the issue names: one that reuses the sections kept in the
        # database (by the preview as the writer types, and by earlier exports). A database none
        # of them has rendered yet is bound by markdown-it and Pygments: context, no target.
        Figure("our rate ÷ Hugo's, cold section cache (context)", round(hugo / cold_s, 2), "×", peer=peer),
        Figure("floor: cmarkgfm + Jinja2 + write", round(rate(floor_s), 1), "entries/s"),
        Figure("re-export, nothing changed", round(statistics.median(same), 3), "s", 1.0, "<="),
        Figure("re-export, nothing changed: files written", max(same_written), "files", 0, "<="),
        Figure("re-export after a one-entry edit", round(statistics.median(edit), 3), "s", 1.0, "<="),
        Figure("re-export after a one-entry edit: files written", max(edit_written), "files"),
        Figure(f"peak RSS, export of {rss_entries:,} entries", round(own_rss), "MB",
               peer=f"largest worker {worker_rss:.0f} MB"),
        Figure(f"peak RSS, export of {rss_large:,} entries", round(large_rss), "MB",
               peer=f"largest worker {large_worker:.0f} MB"),
        Figure("peak RSS growth per entry", round(per_entry_kb, 2), "KB/entry"),
        Figure("peak RSS projected at 100,000 entries", round(projected), "MB", 150, "<="),
        Figure(f"peak RSS, re-export of {rss_large:,} entries, nothing changed", round(large_again), "MB"),
        Figure("re-export peak RSS projected at 100,000 entries", round(again_projected), "MB", 150, "<="),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
