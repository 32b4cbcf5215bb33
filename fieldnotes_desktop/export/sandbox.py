"""The Jinja environment a theme renders in: the immutable sandbox, held to the limits of `render_limits`."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from fieldnotes_desktop.export import render_limits as limits

_MISSING = object()
_GLOBALS_REMOVED = ("lipsum", "cycler", "joiner")  # no packaged template uses them; each was a classic way out
# Filters that turn their value into text: a list of references to one long string would
# come out far larger than it sits in memory.
_TEXT_FILTERS = (
    "capitalize", "e", "escape", "forceescape", "lower", "pprint", "safe", "string", "striptags", "title",
    "tojson", "trim", "truncate", "upper", "urlencode", "urlize", "wordcount", "xmlattr",
)


class _LimitedTemplate(jinja2.Template):
    """A template whose every render runs under an allowance, whoever calls it."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        seconds = env.render_seconds if isinstance(env, ThemeEnvironment) else limits.RENDER_SECONDS
        given = [len(v) for v in (*args, *kwargs.values()) if isinstance(v, str)]
        with limits.allowance(seconds, max(given, default=0), sum(given)):
            return super().render(*args, **kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        """The page a piece at a time, under the same allowance (held while the caller reads on)."""
        env = self.environment
        seconds = env.render_seconds if isinstance(env, ThemeEnvironment) else limits.RENDER_SECONDS
        given = [len(v) for v in (*args, *kwargs.values()) if isinstance(v, str)]
        with limits.allowance(seconds, max(given, default=0), sum(given)):
            yield from super().generate(*args, **kwargs)


class _Checkpoints(NodeTransformer):
    """Routes each loop's items and each `~` operand of a template through the environment."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _environment_call("theme_steps", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_environment_call("theme_measured", part) for part in node.nodes]
        return node

    def _nested(self, node: nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends) -> nodes.Node:
        self.generic_visit(node)
        node.template = _environment_call("theme_nested", node.template)
        return node

    visit_Include = visit_Import = visit_FromImport = visit_Extends = _nested


def _environment_call(name: str, arg: nodes.Node) -> nodes.Call:
    function = nodes.EnvironmentAttribute(name, lineno=arg.lineno)
    return nodes.Call(function, [arg], [], None, None, lineno=arg.lineno)


class _CheckpointedCodeGenerator(CodeGenerator):
    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        checked = _Checkpoints().visit(node)
        checked.set_environment(self.environment)
        super().visit_Template(checked, frame)


class ThemeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with a deadline, a depth limit and a cap on what templates build.

    Each step of a loop and each call reports to the render's allowance, which stops the
    render at the first step past its deadline; `*`, `**`, `+`, `%`, `~`, string methods,
    printed values and the filters that pad, repeat or turn lists into text are measured
    before they build anything.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CheckpointedCodeGenerator
    template_class = _LimitedTemplate

    def __init__(self, *, seconds: float, finalize: Callable[[Any], Any] | None = None, **options: Any) -> None:
        super().__init__(finalize=_measured_output(finalize), **options)
        self.render_seconds = seconds
        for name in _GLOBALS_REMOVED:
            del self.globals[name]
        for name, measure in _FILTER_SIZES.items():
            self.filters[name] = _sized_filter(self.filters[name], measure)
        for name in _TEXT_FILTERS:
            self.filters[name] = _sized_filter(self.filters[name], _text_size)
        self.filters["join"] = _sized_join(self.filters["join"])
        self.filters["sum"] = _sized_sum(self.filters["sum"])
        self._plain_attributes: set[tuple[type, str]] = set()

    def getattr(self, obj: Any, attribute: str) -> Any:
        # The sandbox's checks cost four times the rest of a page. Their verdict on a plain
        # attribute depends only on the object's type and the attribute's name, so a pair found
        # safe once is read directly after; anything callable (a method, `str.format`, an
        # Undefined) takes the full path every time.
        key = (type(obj), attribute)
        if key in self._plain_attributes:
            value = getattr(obj, attribute, _MISSING)
            if value is not _MISSING and not callable(value):
                return value
        value = super().getattr(obj, attribute)
        if not callable(value) and getattr(obj, attribute, _MISSING) is value:
            self._plain_attributes.add(key)
        return value

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        current = limits.current()
        if current is None:
            return super().call(context, obj, *args, **kwargs)
        current.checkpoint()
        args = limits.checked_method_call(obj, args)
        current.depth += 1
        try:
            if current.depth > limits.MAX_DEPTH:
                raise limits.RenderTooDeep(f"calls nest more than {limits.MAX_DEPTH} deep")
            return super().call(context, obj, *args, **kwargs)
        finally:
            current.depth -= 1

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            limits.check_power(left, right)
        elif operator == "*":
            limits.check_size(limits.product_size(left, right))
        elif operator == "+" and isinstance(left, (str, list, tuple)):
            limits.check_size(limits.length(left) + limits.length(right))
        elif operator == "%" and isinstance(left, str):
            limits.check_size(limits.percent_size(left, right))
        return super().call_binop(context, operator, left, right)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        # Raised at once: deferred in an Undefined, `is defined` or `|attr` would hide the reason.
        if isinstance(obj, jinja2.Undefined):
            return obj  # `cycler.__init__` of a removed name: "'cycler' is undefined" says it best
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        is_map = value.__name__ == "format_map"

        def measured(*args: Any, **kwargs: Any) -> str:
            if is_map and len(args) == 1 and not kwargs:
                limits.check_size(limits.format_size(self, fmt, (), args[0]))
            else:
                limits.check_size(limits.format_size(self, fmt, args, kwargs))
            return wrapped(*args, **kwargs)

        return functools.update_wrapper(measured, wrapped)

    # Called by the compiled templates (see `_Checkpoints`), never by a template itself:
    # no template can reach `environment`.
    @staticmethod
    def theme_steps(items: Iterable[Any]) -> Iterator[Any]:
        current = limits.current()
        if current is None:
            yield from items
            return
        clock = time.monotonic
        for item in items:
            if clock() >= current.next_look:  # checkpoint(), inlined: this runs for every item
                current.look()
            yield item

    @staticmethod
    def theme_nested(template: Any) -> Any:
        """The template an include, import or extends names, unless templates already nest too deep.

        A template including itself would end in Python's RecursionError, but a thread with a
        small stack can run out of C stack first and crash the app (256 KB does, here).
        """
        try:
            sys._getframe(limits.MAX_FRAMES)
        except ValueError:
            return template  # the stack is not that deep yet
        raise limits.RenderTooDeep(f"templates nest more than {limits.MAX_FRAMES} frames deep")

    @staticmethod
    def theme_measured(part: Any) -> Any:
        limits.check_size(limits.weight(part))
        return part


def _measured_output(then: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """The environment's `finalize`: every printed value that is not already text is weighed first."""

    def finalize(value: Any) -> Any:
        if not isinstance(value, str):
            limits.check_size(limits.weight(value))
        return value if then is None else then(value)

    return finalize


# -- filters that pad, repeat, fill or turn lists into text ---------------------------------


def _center_size(value: Any, width: int = 80) -> int:
    return max(limits.weight(value), limits.largest_int((width,)))


def _indent_size(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> int:
    lines = (s.count("\n") if isinstance(s, str) else limits.weight(s)) + 1
    return limits.weight(s) + lines * (len(width) if isinstance(width, str) else limits.largest_int((width,)))


def _wordwrap_size(s: Any, width: int = 79, break_long_words: bool = True,
                   wrapstring: str | None = None, break_on_hyphens: bool = True) -> int:
    return limits.weight(s) * (1 + len(wrapstring or "\n"))  # at worst a break after every character


def _format_filter_size(value: Any, *args: Any, **kwargs: Any) -> int:
    return limits.percent_size(value, kwargs or args) if isinstance(value, str) else limits.weight(value)


def _replace_filter_size(s: Any, old: Any, new: Any, count: int | None = None) -> int:
    return limits.replace_size(s, old, new, -1 if count is None else count)


def _fill_size(value: Any, count: int, fill_with: Any = None) -> int:
    return limits.largest_int((count,)) * max(limits.weight(fill_with), 1)


def _text_size(value: Any, *_: Any, **__: Any) -> int:
    return 0 if isinstance(value, str) else limits.weight(value)


_FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": _center_size,
    "indent": _indent_size,
    "wordwrap": _wordwrap_size,
    "format": _format_filter_size,
    "replace": _replace_filter_size,
    "batch": _fill_size,
    "slice": _fill_size,
    "list": limits.length,
}


def _sized_filter(filter_func: Callable[..., Any], measure: Callable[..., int]) -> Callable[..., Any]:
    """`filter_func`, refusing to run when `measure` says it would build too much."""
    # A filter that asks Jinja for its context or environment gets it as the first argument.
    passed = 1 if getattr(filter_func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(filter_func)
    def sized(*args: Any, **kwargs: Any) -> Any:
        limits.check_size(measure(*args[passed:], **kwargs))
        return filter_func(*args, **kwargs)

    return sized


def _sized_join(join: Callable[..., Any]) -> Callable[..., Any]:
    """The `join` filter, measuring its items first (a generator is listed once, then joined)."""

    @functools.wraps(join)
    def sized(eval_ctx: Any, value: Any, d: str = "", attribute: str | int | None = None) -> Any:
        items = list(value)
        if attribute is not None:
            items = list(map(make_attrgetter(eval_ctx.environment, attribute), items))
        limits.check_size(sum(limits.weight(i) for i in items) + len(items) * limits.weight(d))
        return join(eval_ctx, items, d)

    return sized


def _sized_sum(total: Callable[..., Any]) -> Callable[..., Any]:
    """The `sum` filter, measuring first what adding up lists or strings would build."""

    @functools.wraps(total)
    def sized(environment: Any, iterable: Any, attribute: str | int | None = None, start: Any = 0) -> Any:
        items = list(iterable)
        if attribute is not None:
            items = list(map(make_attrgetter(environment, attribute), items))
        if isinstance(start, (str, list, tuple)):
            limits.check_size(len(start) + sum(limits.length(i) for i in items))
        return total(environment, items, None, start)

    return sized
