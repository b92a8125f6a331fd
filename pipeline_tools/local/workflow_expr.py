"""GitHub Actions ``${{ }}`` expressions, evaluated the way the runner does (for the workflow runner).

Covers the language as GitHub documents it ("Evaluate expressions in workflows and actions"):
literals (null, true/false, numbers, 'strings' with '' escapes), context access (``a.b``,
``a['b']``, ``a[expr]``, ``a.*.b``), ``!``, ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``, ``&&``,
``||`` (which return an operand, so ``a && b || c`` is the usual ternary), parentheses, and the
functions contains, startsWith, endsWith, format, join, toJSON, fromJSON, hashFiles, success,
always, failure and cancelled (the status functions and hashFiles come from the caller).

Comparisons follow GitHub's loose equality: operands of different types are compared as numbers,
strings compare case-insensitively.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.core.errors import InputError


class ExpressionError(InputError):
    """An expression this evaluator cannot parse or evaluate (the workflow is wrong, or uses
    something the local runner does not know: both must fail loudly)."""


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>0x[0-9a-fA-F]+|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!.()\[\],*])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
""", re.VERBOSE)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise ExpressionError(f"unexpected character {source[position]!r} in expression {source!r}")
        position = match.end()
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(_Token(kind, match.group()))
    return tokens


@dataclass
class Functions:
    """What the caller provides: the status functions and hashFiles."""

    success: Callable[[], bool] = lambda: True
    failure: Callable[[], bool] = lambda: False
    cancelled: Callable[[], bool] = lambda: False
    hash_files: Callable[[list[str]], str] = lambda patterns: ""
    extra: dict[str, Callable[..., Any]] = field(default_factory=dict)


STATUS_FUNCTIONS = ("success", "failure", "cancelled", "always")


def uses_status_function(source: str) -> bool:
    return any(re.search(rf"\b{name}\s*\(", source) for name in STATUS_FUNCTIONS)


# ----- values ---------------------------------------------------------------------------------

def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return not (value == 0 or (isinstance(value, float) and math.isnan(value)))
    if isinstance(value, str):
        return value != ""
    return True


def to_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def to_string(value: Any) -> str:
    """How a value is written into a string (``${{ }}`` inside text, format())."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    return json.dumps(value, indent=2)


def _loose_equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right) and not isinstance(left, int | float | bool):
        return bool(left is right or (left is None and right is None))
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return left is right
    a, b = to_number(left), to_number(right)
    return not (math.isnan(a) or math.isnan(b)) and a == b


def _compare(left: Any, right: Any) -> float | None:
    """left - right as GitHub orders them; None when not comparable (NaN)."""
    if isinstance(left, str) and isinstance(right, str):
        a_text, b_text = left.casefold(), right.casefold()
        return float((a_text > b_text) - (a_text < b_text))
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        return None
    return a - b


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, Mapping):
        if not isinstance(key, str):
            key = to_string(key)
        if key in value:
            return value[key]
        folded = key.casefold()  # property names are case-insensitive
        for name, item in value.items():
            if isinstance(name, str) and name.casefold() == folded:
                return item
        return None
    if isinstance(value, list):
        number = to_number(key)
        if math.isnan(number) or number < 0 or int(number) >= len(value):
            return None
        return value[int(number)]
    return None


class _Filtered(list[Any]):
    """The result of ``.*``: a following ``.name`` applies to each element."""


# ----- parser / evaluator ---------------------------------------------------------------------

class _Parser:
    def __init__(self, source: str, contexts: Mapping[str, Any], functions: Functions) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.position = 0
        self.contexts = contexts
        self.functions = functions

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None or (text is not None and token.text != text):
            wanted = f"{text!r}" if text else "more"
            raise ExpressionError(f"expected {wanted} in expression {self.source!r}")
        self.position += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == text:
            self.position += 1
            return True
        return False

    def parse(self) -> Any:
        value = self.or_expr()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek().text!r} in expression {self.source!r}")  # type: ignore[union-attr]
        return value

    # Each level evaluates eagerly; && and || still return the deciding operand like GitHub's.
    def or_expr(self) -> Any:
        value = self.and_expr()
        while self.accept("||"):
            right = self.and_expr()
            value = value if truthy(value) else right
        return value

    def and_expr(self) -> Any:
        value = self.equality()
        while self.accept("&&"):
            right = self.equality()
            value = right if truthy(value) else value
        return value

    def equality(self) -> Any:
        value = self.comparison()
        while True:
            if self.accept("=="):
                value = _loose_equal(value, self.comparison())
            elif self.accept("!="):
                value = not _loose_equal(value, self.comparison())
            else:
                return value

    def comparison(self) -> Any:
        value = self.unary()
        while True:
            token = self.peek()
            if token is None or token.text not in ("<", "<=", ">", ">="):
                return value
            self.position += 1
            difference = _compare(value, self.unary())
            if difference is None:
                value = False
            else:
                value = {"<": difference < 0, "<=": difference <= 0, ">": difference > 0,
                         ">=": difference >= 0}[token.text]

    def unary(self) -> Any:
        if self.accept("!"):
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        token = self.take()
        if token.kind == "op" and token.text == "(":
            value = self.or_expr()
            self.take(")")
            return value
        if token.kind == "number":
            number = float(int(token.text, 16)) if token.text.lower().startswith("0x") else float(token.text)
            return int(number) if number.is_integer() else number
        if token.kind == "string":
            return token.text[1:-1].replace("''", "'")
        if token.kind == "ident":
            name = token.text
            if name in ("true", "false"):
                return name == "true"
            if name == "null":
                return None
            if self.accept("("):
                arguments: list[Any] = []
                if not self.accept(")"):
                    arguments.append(self.or_expr())
                    while self.accept(","):
                        arguments.append(self.or_expr())
                    self.take(")")
                return self.call(name, arguments)
            if name not in self.contexts:
                raise ExpressionError(f"unknown context {name!r} in expression {self.source!r}")
            return self.contexts[name]
        raise ExpressionError(f"unexpected {token.text!r} in expression {self.source!r}")

    def postfix(self, value: Any) -> Any:
        while True:
            if self.accept("."):
                token = self.take()
                if token.text == "*":
                    items = list(value.values()) if isinstance(value, Mapping) else (
                        list(value) if isinstance(value, list) else [])
                    value = _Filtered(items)
                    continue
                if token.kind != "ident":
                    raise ExpressionError(f"expected a property name after '.' in {self.source!r}")
                value = self._member(value, token.text)
            elif self.accept("["):
                key = self.or_expr()
                self.take("]")
                value = self._member(value, key)
            else:
                return value

    @staticmethod
    def _member(value: Any, key: Any) -> Any:
        if isinstance(value, _Filtered):
            return _Filtered(item for item in (_index(v, key) for v in value) if item is not None)
        return _index(value, key)

    def call(self, name: str, arguments: list[Any]) -> Any:  # noqa: C901 - one branch per function
        lowered = name.lower()
        functions = self.functions
        if lowered == "success":
            return functions.success()
        if lowered == "failure":
            return functions.failure()
        if lowered == "cancelled":
            return functions.cancelled()
        if lowered == "always":
            return True
        if lowered == "contains":
            self._arity(name, arguments, 2)
            haystack, needle = arguments
            if isinstance(haystack, list):
                return any(_loose_equal(item, needle) for item in haystack)
            return to_string(needle).casefold() in to_string(haystack).casefold()
        if lowered == "startswith":
            self._arity(name, arguments, 2)
            return to_string(arguments[0]).casefold().startswith(to_string(arguments[1]).casefold())
        if lowered == "endswith":
            self._arity(name, arguments, 2)
            return to_string(arguments[0]).casefold().endswith(to_string(arguments[1]).casefold())
        if lowered == "format":
            if not arguments:
                raise ExpressionError(f"format() needs a format string in {self.source!r}")
            return _format(to_string(arguments[0]), [to_string(a) for a in arguments[1:]])
        if lowered == "join":
            items = arguments[0] if arguments else []
            separator = to_string(arguments[1]) if len(arguments) > 1 else ","
            if isinstance(items, list):
                return separator.join(to_string(item) for item in items)
            return to_string(items)
        if lowered == "tojson":
            self._arity(name, arguments, 1)
            return json.dumps(arguments[0], indent=2)
        if lowered == "fromjson":
            self._arity(name, arguments, 1)
            try:
                return json.loads(to_string(arguments[0]))
            except ValueError as exc:
                raise ExpressionError(f"fromJSON() got text that is not JSON in {self.source!r}: {exc}"
                                      ) from exc
        if lowered == "hashfiles":
            return functions.hash_files([to_string(a) for a in arguments])
        if name in functions.extra:
            return functions.extra[name](*arguments)
        raise ExpressionError(f"unknown function {name}() in expression {self.source!r}")

    def _arity(self, name: str, arguments: list[Any], count: int) -> None:
        if len(arguments) != count:
            raise ExpressionError(f"{name}() takes {count} arguments in {self.source!r}")


def _format(template: str, values: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        text = match.group()
        if text == "{{":
            return "{"
        if text == "}}":
            return "}"
        index = int(text[1:-1])
        if index >= len(values):
            raise ExpressionError(f"format() has no argument {index} for {template!r}")
        return values[index]

    return re.sub(r"\{\{|\}\}|\{\d+\}", replace, template)


def evaluate(source: str, contexts: Mapping[str, Any], functions: Functions | None = None) -> Any:
    """Evaluate one expression (without the ``${{ }}``)."""
    value = _Parser(source, contexts, functions or Functions()).parse()
    return list(value) if isinstance(value, _Filtered) else value


_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def render(value: Any, contexts: Mapping[str, Any], functions: Functions | None = None) -> Any:
    """Substitute ``${{ }}`` in a YAML value: a string that is exactly one expression yields the
    expression's value (an object for ``matrix: ${{ fromJSON(...) }}``); expressions inside other
    text are written as strings; lists and mappings are rendered item by item."""
    if isinstance(value, str):
        whole = _TEMPLATE.fullmatch(value.strip())
        if whole and value.strip().count("${{") == 1:
            return evaluate(whole.group(1), contexts, functions)
        return _TEMPLATE.sub(lambda m: to_string(evaluate(m.group(1), contexts, functions)), value)
    if isinstance(value, list):
        return [render(item, contexts, functions) for item in value]
    if isinstance(value, dict):
        return {key: render(item, contexts, functions) for key, item in value.items()}
    return value


def render_text(value: Any, contexts: Mapping[str, Any], functions: Functions | None = None) -> str:
    """Like :func:`render`, always as the string the runner would hand to a step."""
    if isinstance(value, str):
        return _TEMPLATE.sub(lambda m: to_string(evaluate(m.group(1), contexts, functions)), value)
    return to_string(value)


def condition(value: Any, contexts: Mapping[str, Any], functions: Functions) -> bool:
    """An ``if:``: ``${{ }}`` optional; without a status function it means ``success() && (...)``."""
    if value is None:
        return functions.success()
    if isinstance(value, bool):
        return functions.success() and value
    source = str(value).strip()
    whole = _TEMPLATE.fullmatch(source)
    if whole:
        source = whole.group(1).strip()
    if not uses_status_function(source):
        source = f"success() && ({source})"
    return truthy(evaluate(source, contexts, functions))
