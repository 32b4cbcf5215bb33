"""Themes cannot run code: templates render in Jinja's sandbox, under a deadline and a cap on what they build."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export import render_limits
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

# Each of these runs `CMD` (or prints the process's environment) when Jinja renders it unsandboxed.
ESCAPES = {
    "lipsum globals": "{{ lipsum.__globals__['os'].system('CMD') }}",
    "cycler globals": "{{ cycler.__init__.__globals__.os.system('CMD') }}",
    "joiner globals": "{{ joiner.__init__.__globals__.os.system('CMD') }}",
    "namespace globals": "{{ namespace.__init__.__globals__.os.system('CMD') }}",
    "str subclasses": (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').system('CMD') }}{% endfor %}"
    ),
    "range subclasses": (
        "{% for c in range.__class__.__mro__[-1].__subclasses__() if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').system('CMD') }}{% endfor %}"
    ),
    "self globals": "{{ self.__init__.__globals__.__builtins__.__import__('os').system('CMD') }}",
    "self dict": "{{ self.__dict__ }}",
    "self context": "{{ self._TemplateReference__context.namespace.__init__.__globals__.os.system('CMD') }}",
    "loop globals": "{% for x in [1] %}{{ loop.__init__.__globals__.__builtins__.__import__('os').system('CMD') }}{% endfor %}",
    "dict subclasses": "{{ dict.__base__.__subclasses__() }}",
    "format string": "{{ '{0.__init__.__globals__[os].environ}'.format(namespace) }}",
    "format_map": "{{ '{x.__init__.__globals__[os].environ}'.format_map({'x': namespace}) }}",
    "format after a harmless one": "{{ '{0}'.format(1) }}{{ '{0.__init__.__globals__[os].environ}'.format(namespace) }}",
    "format kept in a namespace": (
        "{% set ns = namespace(f='x') %}{{ ns.f }}{% set ns.f = '{0.__init__.__globals__[os].environ}'.format %}"
        "{{ ns.f(namespace) }}"
    ),
    "format through attr": "{{ ('{0.__init__.__globals__[os].environ}'|attr('format'))(namespace) }}",
    "attr filter": "{{ (namespace|attr('__init__')|attr('__globals__'))['os'].system('CMD') }}",
    "map attribute": "{% for g in [namespace]|map(attribute='__init__.__globals__') %}{{ g.os.system('CMD') }}{% endfor %}",
}

STOPPED = "was stopped on line 1 after running for 0.5 seconds; look there for a loop that never ends"
ENDLESS = "calls itself without end on line 1; remove the macro or include that calls itself"
TOO_LONG = "was stopped on line 1 because one value would hold more than 10,000,000 characters; remove what builds it"
TOO_BIG = "was stopped on line 1 because it computes a number of more than 4096 bits; remove what builds it"

# Each of these, unsandboxed, runs for hours or takes gigabytes (or both).
RUNAWAYS = {
    "nested loops": ("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}", STOPPED),
    "nested loops over a long string": (
        "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{{ b }}{% endfor %}{% endfor %}",
        STOPPED,
    ),
    "a loop inside a macro": (
        "{% macro m() %}\n{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}\n"
        "{% endmacro %}{{ m() }}",
        STOPPED.replace("line 1", "line 2"),
    ),
    "a macro that calls itself twice": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
        STOPPED,
    ),
    "a recursive macro": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", ENDLESS),
    "an include of itself": ("{% include 'entry.html' %}", ENDLESS),
    "an extends of itself": ("{% extends 'entry.html' %}", ENDLESS),
    "a memory bomb": ("{% set x = 'x' * 10**9 %}", TOO_LONG),
    "a list bomb": ("{% set x = [0] * 10**9 %}", TOO_LONG),
    "doubling a string": (
        "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        TOO_LONG,
    ),
    "a power tower": ("{{ 9 ** (9 ** 9) }}", TOO_BIG),
    "squaring": ("{% set ns = namespace(x=3) %}{% for i in range(60) %}{% set ns.x = ns.x * ns.x %}{% endfor %}", TOO_BIG),
    "padding": ("{{ 'x'|center(10**9) }}", TOO_LONG),
    "padding by method": ("{{ 'x'.ljust(10**9) }}", TOO_LONG),
    "a format width": ("{{ '{:>{w}}'.format('x', w=10**9) }}", TOO_LONG),
    "a percent width": ("{{ '%*d' % (10**9, 1) }}", TOO_LONG),
    "a fanned-out join": ("{% set s = 'x' * 5000000 %}{{ range(1000)|map('string')|map('replace', '', s)|join }}", TOO_LONG),
    # small in memory (a thousand references to one string), huge once printed
    "a printed list of one long string": ("{% set s = 'x' * 5000000 %}{{ [s] * 1000 }}", TOO_LONG),
    "a summed list": ("{{ ([[0] * 1000000] * 100)|sum(start=[])|length }}", TOO_LONG),
}
SHORT = 0.5  # seconds: the deadline these tests give, so a runaway costs the suite little
SLACK = 5.0  # seconds past the deadline a busy machine may take to stop


def _write_theme(folder: Path, template: str, source: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / template).write_text(source, encoding="utf-8")
    return folder


def _one_sentence(message: str) -> None:
    assert "\n" not in message and message.endswith("."), message
    assert ". " not in message, message


def _finishes(work: Callable[[], str], within: float) -> BaseException | str:
    """What `work` returned or raised, failing the test if it is still running after `within` seconds."""
    outcome: list[BaseException | str] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # the test looks at what it was
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(within)
    assert not worker.is_alive(), f"the render was still running after {within} s"
    return outcome[0]


@pytest.mark.parametrize("source", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_theme_that_reaches_for_python_fails_the_export_in_one_sentence_and_runs_nothing(
    samples: Services, tmp_path: Path, source: str
) -> None:
    pwned = tmp_path / "PWNED"
    theme = _write_theme(tmp_path / "theme", "entry.html", source.replace("CMD", f"touch {pwned}"))
    out = tmp_path / "site"
    with pytest.raises(ExportFailed) as caught:
        samples.exports.export(ExportOptions(out=out, theme_dir=theme))
    assert not pwned.exists()
    message = str(caught.value)
    assert message.startswith(f"The template entry.html in the theme folder {theme} "), message
    assert "may not do on line 1" in message or "is undefined" in message, message
    _one_sentence(message)
    assert not (out / "index.html").exists()


def test_a_theme_gets_no_helper_that_leads_into_python(tmp_path: Path) -> None:
    theme = Theme(_write_theme(tmp_path / "theme", "entry.html", "{{ 1 }}"))
    for name in ("entry.html", "feed.xml"):
        env = theme.template(name).environment
        assert isinstance(env, SandboxedEnvironment), name
        assert set(env.globals) == {"range", "dict", "namespace"}, name
    assert theme.render("entry.html") == "1"


@pytest.mark.parametrize(("source", "expected"), RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_a_runaway_template_stops_soon_in_one_sentence_naming_it(tmp_path: Path, source: str, expected: str) -> None:
    theme_dir = _write_theme(tmp_path / "theme", "entry.html", source)
    theme = Theme(theme_dir, seconds=SHORT)
    started = time.monotonic()
    outcome = _finishes(lambda: theme.render("entry.html"), within=SHORT + SLACK)
    assert time.monotonic() - started < SHORT + SLACK
    assert isinstance(outcome, ExportFailed), repr(outcome)[:300]
    message = str(outcome)
    assert message.startswith(f"The template entry.html in the theme folder {theme_dir} {expected}"), message
    assert message.endswith("and export again.")
    _one_sentence(message)


def test_a_runaway_template_stops_the_export_at_the_render_deadline(
    samples: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render_limits.RENDER_SECONDS == 10.0
    monkeypatch.setattr(render_limits, "RENDER_SECONDS", SHORT)  # read when the export builds its theme
    theme = _write_theme(tmp_path / "theme", "_entry_header.html", RUNAWAYS["nested loops"][0])
    outcome = _finishes(
        lambda: str(samples.exports.export(ExportOptions(out=tmp_path / "site", theme_dir=theme))),
        within=SHORT + SLACK,
    )
    assert isinstance(outcome, ExportFailed), repr(outcome)[:300]
    assert str(outcome).startswith(f"The template _entry_header.html in the theme folder {theme} was stopped on line 1")


@pytest.mark.skipif(not Path("/proc/self/statm").is_file(), reason="the process size is read from Linux's /proc")
def test_a_render_that_keeps_taking_memory_stops_in_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_limits, "MAX_GROWTH", 64 << 20)
    # Each item is within the size cap; together they would take a hundred gigabytes.
    source = "{{ range(100000)|map('center', 1000000)|list|length }}"
    theme = Theme(_write_theme(tmp_path / "theme", "entry.html", source))
    outcome = _finishes(lambda: theme.render("entry.html"), within=SLACK)
    assert isinstance(outcome, ExportFailed), repr(outcome)[:300]
    assert " was stopped on line 1 because it took more than 64 MB of memory; " in str(outcome), outcome


def test_the_deadline_belongs_to_each_render_on_each_thread(tmp_path: Path) -> None:
    """A runaway render on one thread stops; renders beside it and inside it are left alone."""
    theme_dir = _write_theme(tmp_path / "theme", "entry.html", RUNAWAYS["nested loops"][0])
    (theme_dir / "steady.html").write_text("{% for i in range(1000) %}{{ i }}{% endfor %}", encoding="utf-8")
    (theme_dir / "outer.html").write_text(
        "{{ inner() }}{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    theme = Theme(theme_dir, seconds=1.0)
    expected = "".join(str(i) for i in range(1000))
    steady: list[str] = []

    def keep_rendering() -> None:
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:  # past the runaway's deadline: each of these has its own
            steady.append(theme.render("steady.html"))

    beside = threading.Thread(target=keep_rendering)
    beside.start()
    runaway = _finishes(lambda: theme.render("entry.html"), within=1.0 + SLACK)
    # A render started from inside another (a helper the context passes) runs on the outer's deadline.
    nested = _finishes(lambda: theme.render("outer.html", inner=lambda: theme.render("steady.html")), within=1.0 + SLACK)
    beside.join()
    assert isinstance(runaway, ExportFailed) and "was stopped on line 1" in str(runaway)
    assert isinstance(nested, ExportFailed) and str(nested).startswith("The template outer.html"), nested
    assert steady and all(page == expected for page in steady)
    assert theme.render("steady.html") == expected  # nothing left behind on this thread either


@dataclass(frozen=True, slots=True)
class _Card:
    title: str
    tags: tuple[str, ...]

    def shout(self) -> str:
        return self.title.upper()


# What themes do every day must render as it does without the sandbox.
EVERYDAY = [
    "{% for c in cards %}{{ loop.index }}/{{ loop.length }} {{ c.title }} {{ c.tags|join(', ') }}"
    "{% if not loop.last %}; {% endif %}{% endfor %}",
    "{% for c in cards if c.tags %}{{ c.shout() }}{% else %}none{% endfor %}",
    "{{ cards|map(attribute='title')|join(' · ') }} {{ cards|join('|', attribute='title') }}",
    "{{ html }} {{ html ~ ' & more' }} {{ 'a' ~ 1 ~ none }} {{ text }} {{ text|replace('<', '[') }}",
    "{{ '%05.1f' % 3.14159 }} {{ '%s and %s' % ('a', 'b') }} {{ '%(x)s' % {'x': 1} }} {{ '%d%%'|format(50) }}",
    "{{ '{:,} {:>6}'.format(1234567, 'r') }} {{ '{0.title}'.format(cards[0]) }} {{ '{a}'.format_map({'a': 2}) }}",
    "{{ 'x' * 3 }} {{ [1] * 2 }} {{ [1] + [2] }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ 7 // 2 }} {{ 'ab' + 'cd' }}",
    "{{ 'abc'|center(9) }}|{{ 'a\nb'|indent(2, true) }}|{{ ('word ' * 20)|wordwrap(30) }}|{{ 'x'.ljust(4) }}|",
    "{% for row in range(10)|batch(3, '-') %}{{ row|join }} {% endfor %}{% for col in range(7)|slice(3) %}{{ col }}{% endfor %}",
    "{% set ns = namespace(total=0) %}{% for n in range(5) %}{% set ns.total = ns.total + n %}{% endfor %}{{ ns.total }}",
    "{% for k, v in meta|dictsort %}{{ k }}={{ v }} {% endfor %}{{ meta.a }} {{ meta['b'] }} {{ meta|length }}",
    "{% macro item(t) %}<li>{{ t }}{{ caller() if caller is defined }}</li>{% endmacro %}"
    "{{ item('one') }}{% call item('two') %}!{% endcall %}",
    "{% for node in tree recursive %}[{{ node.name }}{{ loop(node.children) }}]{% endfor %}",
    "{{ cards[0].tags[-1] }} {{ cards|first|attr('title') }} {{ cards|length }} {{ range(3)|list }} {{ dict(a=1) }}",
    "{{ [[1], [2]]|sum(start=[]) }} {{ [meta, meta]|sum(attribute='a') }} {{ 'ab'|list }} {{ cards[0].tags }}",
    "{{ meta|tojson }} {{ text|string|upper }} {{ text|e }} {{ html|safe }} {{ text|truncate(9) }} {{ text|striptags }}",
    "{{ meta|xmlattr }} {{ meta|urlencode }} {{ 'x y'|title }} {{ ' x '|trim }} {{ text|wordcount }} {{ cards[0] }}",
    "{{ 'see https://example.org'|urlize }} {{ [1, 'a']|pprint }} {{ namespace(a=1).a }} {{ '%s' % (cards,) }}",
]


@pytest.mark.parametrize("source", EVERYDAY)
def test_everyday_template_code_renders_as_it_does_without_the_sandbox(source: str) -> None:
    context = {
        "cards": (_Card("Ridge", ("alps", "ice")), _Card("Sourdough <notes>", ())),
        "html": Markup("<em>safe</em>"),
        "text": "<b>escaped</b>",
        "meta": {"b": 2, "a": 1},
        "tree": [{"name": "a", "children": [{"name": "b", "children": []}]}],
    }
    plain = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    assert Theme().env.from_string(source).render(context) == plain.from_string(source).render(context)
