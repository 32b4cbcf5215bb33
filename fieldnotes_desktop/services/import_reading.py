"""Reads, parses and counts the words of files to import, in worker processes when there are many.

Per long file, reading, parsing and counting words cost about half what storing it does (0.4 ms
against 0.75), and none of it needs the database: workers do it for chunks of files while this
process stores the chunks before them, in order, so storing is what bounds the import. Files
come back in the order given, and a refused file's sentence is raised when its turn comes, so
what is stored and what is said are the same as reading every file here. A worker imports this
module and what it reads with (no Qt, no database); workers are spawned bare, as for the export
(render/parallel.py).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services.markdown_files import (
    MAX_MARKDOWN_BYTES,
    ParsedFile,
    is_text,
    parse_file,
    printable,
    read_limited,
)

# Below this many files, starting workers (~0.4 s: each imports the renderer's package) costs
# more than it saves.
MIN_FILES_FOR_WORKERS = 200
# Read here while the workers start, so that time is not lost.
HEAD_FILES = 100
CHUNK_FILES = 50
# Chunks handed out ahead of the one being stored. Workers queue only a couple each; the rest
# are there for this process to read itself rather than wait on a worker. Storing a batch
# (import_batches.BATCH_FILES) takes this process ~0.4 s for long files, in which a worker
# reads nearly two: with 8 chunks it sat idle half of each store, and this process then read
# a third of the files itself, on the core that bounds the import.
AHEAD_CHUNKS = 24
# And no more chunks than hold this much text, judged by the files read so far (24 chunks of
# 1,500-word files are ~13 MB), so that long files do not fill memory while they wait.
AHEAD_CHARS = 16 * 1024 * 1024

Job = tuple[str, str, bool]  # a file's name, the resolved folder it may draw on, walked or named
# A file read (its words counted), or the sentence refusing it.
Outcome = tuple[ParsedFile, int] | str


def read_file(name: str, root: Path, walked: bool) -> ParsedFile:
    """The file `name` read and parsed; a link out of `root` is refused for a file found by walking."""
    path = Path(name)
    if not is_text(path.name):
        raise ImportFailed(
            f"{printable(path.name)}: the file name is not valid UTF-8 text; "
            "rename the file and import again (nothing was imported)."
        )
    raw, info = read_limited(path, MAX_MARKDOWN_BYTES, within=root if walked else None)
    return parse_file(path, raw, dt.date.fromtimestamp(info.st_mtime))


def read_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    """Each file read with its body's word count, or why it is refused. Runs in a worker too."""
    from fieldnotes_desktop.render.text_stats import count_words

    out: list[Outcome] = []
    for name, root, walked in jobs:
        try:
            item = read_file(name, Path(root), walked)
        except ImportFailed as exc:
            out.append(exc.message)
            continue
        body = item.fields.body
        out.append((item, count_words(body if isinstance(body, str) else "")))
    return out


class FileReader:
    """The files of `jobs` read in order, as (parsed file, word count); a context manager.

    With enough files and workers that start, chunks after the first few are handed to
    workers; while the chunk whose turn it is is still being read by one, this process reads a
    later chunk no worker has taken yet, and a chunk none has taken when its turn comes is read
    here too. So a slow or missing pool costs little more than what it was already reading.
    """

    def __init__(self, jobs: Sequence[Job], workers: int) -> None:
        self._jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._ahead: deque[tuple[int, Future[list[Outcome]]]] = deque()
        self._next = len(jobs)  # the first job not yet handed to a worker
        self._stolen: set[int] = set()  # chunks handed out, then read here
        self.read_by_workers = 0  # files, for tests and benchmarks
        self._read = 0  # files yielded, and the characters of their bodies
        self._chars = 0
        if workers > 0 and len(jobs) >= MIN_FILES_FOR_WORKERS:
            self._next = HEAD_FILES
            self._pool = _start(workers)

    def __enter__(self) -> FileReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()

    def __iter__(self) -> Iterator[tuple[ParsedFile, int]]:
        start = 0
        while start < len(self._jobs):
            self._hand_out()
            if self._ahead and self._ahead[0][0] == start:
                _, future = self._ahead.popleft()
                outcomes = self._collect(start, future)
            else:  # one at a time, so reading here holds one file beside the batch
                outcomes = read_chunk(self._jobs[start : start + 1])
            for outcome in outcomes:
                if isinstance(outcome, str):
                    raise ImportFailed(outcome)
                body = outcome[0].fields.body
                self._read += 1
                self._chars += len(body) if isinstance(body, str) else 0
                yield outcome
            start += len(outcomes)

    def _hand_out(self) -> None:
        limit = self._ahead_limit()
        while self._pool is not None and self._next < len(self._jobs) and len(self._ahead) < limit:
            try:
                future = self._pool.submit(read_chunk, self._jobs[self._next : self._next + CHUNK_FILES])
            except (OSError, RuntimeError, BrokenProcessPool):
                self._stop()  # workers cannot start here: the rest is read in this process
                return
            self._ahead.append((self._next, future))
            self._next += CHUNK_FILES

    def _ahead_limit(self) -> int:
        """AHEAD_CHUNKS, or fewer should the files read so far say they would pass AHEAD_CHARS."""
        if not self._read:  # nothing to judge the files by: a start that keeps a worker busy
            return 2
        chunk_chars = max(1, self._chars * CHUNK_FILES // self._read)
        return max(2, min(AHEAD_CHUNKS, AHEAD_CHARS // chunk_chars))

    def _collect(self, start: int, future: Future[list[Outcome]]) -> list[Outcome]:
        if future.cancel():  # no worker has it yet: reading it here is quicker than waiting
            return read_chunk(self._jobs[start : start + CHUNK_FILES])
        while not future.done() and self._steal():
            pass
        try:
            outcomes = future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): carry on here
            self._stop()
            return read_chunk(self._jobs[start : start + CHUNK_FILES])
        if start not in self._stolen:
            self.read_by_workers += len(outcomes)
        return outcomes

    def _steal(self) -> bool:
        """Reads here the last chunk handed out that no worker has taken, rather than wait idle."""
        for k in range(len(self._ahead) - 1, -1, -1):
            start, future = self._ahead[k]
            if future.cancel():
                done: Future[list[Outcome]] = Future()
                done.set_result(read_chunk(self._jobs[start : start + CHUNK_FILES]))
                self._ahead[k] = (start, done)
                self._stolen.add(start)
                return True
        return False

    def _stop(self) -> None:
        pool, self._pool = self._pool, None
        ahead, self._ahead = self._ahead, deque()
        if pool is None:
            return
        for _, future in ahead:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        # What no worker read is read here, in turn.
        self._next = len(self._jobs)


def _start(workers: int) -> ProcessPoolExecutor | None:
    from fieldnotes_desktop.render.parallel import start_pool

    try:
        return start_pool(workers)
    except (OSError, RuntimeError):
        return None
