"""The theme: Jinja2 templates and CSS from package data, overridable file by file from a folder."""

from __future__ import annotations

import hashlib
import re
import threading
import traceback
from collections.abc import Callable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export import render_limits
from fieldnotes_desktop.export.sandbox import ThemeEnvironment

PACKAGE = "fieldnotes_desktop.export"
TEMPLATE_SUFFIXES = (".html", ".xml", ".css")
# XML 1.0 forbids these outright, so one pasted ANSI escape would make a feed reader reject
# the whole feed; HTML parsers shrug them off, so only the .xml templates filter them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """Every value an .xml template prints, text and attributes alike, without XML-illegal characters."""
    if not isinstance(value, str) or not _XML_ILLEGAL.search(value):
        return value
    cleaned = _XML_ILLEGAL.sub("", value)
    # Markup stays Markup: turned into a plain str it would be escaped a second time.
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


_ROWS_THROUGH_THE_MACRO = '{% from "_entry_list.html" import entry_list %}{{ entry_list(items) }}'


def _rows_through_the_macro(folder: Path) -> bool:
    """True for a theme made before the list pages included `_entry_items.html`: it changed their
    rows by overriding the `entry_list` macro, which must keep drawing them."""
    macro, rows = folder / "_entry_list.html", folder / "_entry_items.html"
    try:
        return macro.is_file() and not rows.exists() and b"_entry_items.html" not in macro.read_bytes()[:65536]
    except OSError:
        return False  # unreadable: the loader says so when the page asks for it


class PackageDataLoader(jinja2.BaseLoader):
    """Reads templates with importlib.resources, so they load from a wheel, a zip or a bundle."""

    def __init__(self, root: Traversable) -> None:
        self._root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        node = self._root
        for part in template.split("/"):
            if part in ("", ".", ".."):
                raise jinja2.TemplateNotFound(template)
            node = node / part
        if not node.is_file():
            raise jinja2.TemplateNotFound(template)
        return node.read_text(encoding="utf-8"), f"theme/{template}", lambda: True


class ThemeFolderLoader(jinja2.FileSystemLoader):
    """A theme folder's templates, read only when they are plain files inside that folder.

    A link to a file elsewhere would print a private file into every published page, and a
    named pipe called `entry.html` would hang the export; both are refused by name.
    """

    MAX_BYTES = 1024 * 1024  # a template is a page of markup, not a book

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), encoding="utf-8")
        self._folder = folder.resolve()

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self._folder.joinpath(*split_template_path(template))
        if path.exists() or path.is_symlink():
            real = path.resolve()
            if not real.is_relative_to(self._folder):
                raise ExportFailed(
                    f"The theme file {template} leads outside the theme folder {self._folder}; "
                    "copy the file into the folder instead of linking to it."
                )
            if not real.is_file():
                raise ExportFailed(f"The theme file {template} is not a plain file; replace it with a template.")
            if real.stat().st_size > self.MAX_BYTES:
                raise ExportFailed(f"The theme file {template} is larger than 1 MB; a template cannot be that long.")
        return super().get_source(environment, template)


def packaged_theme() -> Traversable:
    return resources.files(PACKAGE) / "theme"


def _theme_files(node: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found = []
    for child in node.iterdir():
        name = prefix + child.name
        if child.is_dir():
            found += _theme_files(child, name + "/")
        elif child.is_file():
            found.append((name, child.read_bytes()))
    return found


class Theme:
    """Renders the theme's templates in the sandbox; every failure becomes one `ExportFailed` sentence.

    A theme is someone else's code: its templates may shape the page but never reach Python,
    and a render that runs past `seconds` (`render_limits.RENDER_SECONDS` unless given) stops.
    """

    def __init__(self, override_dir: Path | None = None, seconds: float | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        self.override_dir = override_dir if override_dir and override_dir.is_dir() else None
        if self.override_dir is not None:
            if _rows_through_the_macro(self.override_dir):
                loaders.append(jinja2.DictLoader({"_entry_items.html": _ROWS_THROUGH_THE_MACRO}))
            loaders.append(ThemeFolderLoader(self.override_dir))
        loaders.append(PackageDataLoader(packaged_theme()))
        loader = jinja2.ChoiceLoader(loaders)
        self._loader = loader  # kept typed: `env.loader` is Optional to a type checker
        self.seconds = render_limits.RENDER_SECONDS if seconds is None else seconds
        self.env = _environment(loader, self.seconds)
        # Jinja has one `finalize` per environment, so the XML templates get their own.
        self._xml_env = _environment(loader, self.seconds, finalize=xml_safe)
        self._templates: dict[str, jinja2.Template] = {}

    def template(self, name: str) -> jinja2.Template:
        cached = self._templates.get(name)
        if cached is None:
            env = self._xml_env if name.endswith(".xml") else self.env
            try:
                cached = env.get_template(name)
            except Exception as exc:  # any template problem must reach the writer as one sentence
                raise self._failure(name, exc) from exc
            self._templates[name] = cached
        return cached

    def render(self, name: str, **context: Any) -> str:
        template = self.template(name)
        try:
            return template.render(**context)
        except Exception as exc:
            raise self._failure(name, exc) from exc

    def render_chunks(self, name: str, **context: Any) -> Iterator[str]:
        """`render`, a piece at a time: the index of a large site is never one string in memory."""
        template = self.template(name)
        try:
            yield from template.generate(**context)
        except Exception as exc:
            raise self._failure(name, exc) from exc

    def source(self, name: str) -> str:
        """A theme file's text as it is (the CSS is served, not rendered)."""
        try:
            text, _, _ = self._loader.get_source(self.env, name)
        except jinja2.TemplateNotFound as exc:
            raise ExportFailed(f"The theme has no {name}; restore it or remove the theme folder.") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportFailed(f"The theme file {name} cannot be read ({exc}).") from exc
        return text

    def fingerprint(self) -> str:
        """A digest of every file the theme could render from, packaged and overridden.

        Part of each page's inputs (export/site.py): a changed template builds every page again.
        """
        digest = hashlib.blake2b(digest_size=16)
        for name, data in sorted(_theme_files(packaged_theme(), "")):
            digest.update(f"p\0{name}\0{len(data)}\0".encode() + data)
        if self.override_dir is not None:
            for path in sorted(self.override_dir.rglob("*")):
                try:
                    if path.is_file():
                        data = path.read_bytes() if path.stat().st_size <= ThemeFolderLoader.MAX_BYTES else b"?"
                        name = path.relative_to(self.override_dir).as_posix()
                        digest.update(f"o\0{name}\0{len(data)}\0".encode() + data)
                except OSError:
                    continue  # unreadable: the render itself will say so
        return digest.hexdigest()

    def check(self, names: tuple[str, ...]) -> None:
        """Compiles the named templates up front, so a broken one fails before any page is written."""
        for name in names:
            self.template(name)

    def _failure(self, name: str, exc: BaseException) -> ExportFailed:
        if isinstance(exc, ExportFailed):
            return exc  # already one sentence (the loader refusing a file)
        where = f" in the theme folder {self.override_dir}" if self.override_dir else ""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            file = exc.name or name
            return ExportFailed(
                f"The template {file}{where} has an error on line {exc.lineno}: {_first_sentence(exc.message or '')}."
            )
        if isinstance(exc, jinja2.TemplateNotFound):
            return ExportFailed(f"The template {exc.name} is missing{where}; restore it and export again.")
        frame_file, line = _template_frame(exc)
        template = f"The template {frame_file or name}{where}"
        at = f" on line {line}" if line else ""
        message = _first_sentence(_QUALIFIED.sub(r"\1", str(exc))) or type(exc).__name__
        if isinstance(exc, SecurityError):
            return ExportFailed(
                f"{template} tried something a theme may not do{at} ({message}); "
                "remove it from the theme and export again."
            )
        if isinstance(exc, render_limits.RenderTimeout):
            return ExportFailed(
                f"{template} was stopped{at} after running for {self.seconds:g} seconds; "
                "look there for a loop that never ends and export again."
            )
        if isinstance(exc, render_limits.RenderTooDeep) or (isinstance(exc, RecursionError) and frame_file):
            return ExportFailed(
                f"{template} calls itself without end{at}; "
                "remove the macro or include that calls itself and export again."
            )
        if isinstance(exc, (render_limits.RenderTooLarge, MemoryError)):
            reason = message if isinstance(exc, render_limits.RenderTooLarge) else "it ran out of memory"
            return ExportFailed(f"{template} was stopped{at} because {reason}; remove what builds it and export again.")
        return ExportFailed(f"{template} failed{at}: {message}.")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the process: each export builds a new Theme, and compiling
    the theme again every time cost a tenth of a second. Jinja checks each entry against the
    source's checksum, so a changed template is compiled again."""

    def __init__(self) -> None:
        self._codes: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            code = self._codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            if len(self._codes) > 512:  # themes tried one after another: keep the newest only
                self._codes.clear()
            self._codes[bucket.key] = bucket.bytecode_to_string()


# One per kind of environment: the XML one compiles the same source differently (`finalize`).
_COMPILED = {False: _CompiledTemplates(), True: _CompiledTemplates()}


def _environment(
    loader: jinja2.BaseLoader, seconds: float, finalize: Callable[[Any], Any] | None = None
) -> jinja2.Environment:
    return ThemeEnvironment(
        bytecode_cache=_COMPILED[finalize is not None],
        seconds=seconds,
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=finalize,
    )


_QUALIFIED = re.compile(r"'(?:[A-Za-z_][\w]*\.)+([A-Za-z_]\w*) object'")


def _first_sentence(text: str) -> str:
    """Jinja's messages run to several sentences; the first one names the problem."""
    first = text.strip().split("\n")[0]
    cut = first.find(". ")
    return (first[: cut] if cut > 0 else first).rstrip(".")


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line of a render error (Jinja puts them in the traceback)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(TEMPLATE_SUFFIXES):
            found = (Path(frame.filename).name if "/" in frame.filename else frame.filename, frame.lineno)
    return found
