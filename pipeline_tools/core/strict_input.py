"""Reading untrusted JSON and YAML strictly: one place where every way a document can be wrong
becomes one :class:`InputError` line (exit 2), before any code walks the decoded structure.

What is refused, and why:

* text that is not UTF-8 (UTF-16 and UTF-32 included: terraform and the scanners write UTF-8; a
  UTF-8 byte-order mark is accepted and dropped, as terraform does for its own files);
* ``NaN``, ``Infinity`` and numbers too large for a double (they would come back out of
  ``--format json`` as something that is not JSON);
* nesting deeper than a limit (:data:`MAX_JSON_DEPTH` at most, the bound of orjson, which reads
  plans): the tools walk documents recursively and the limit keeps every walk finite;
* duplicate keys, where asked (release files: the last one silently winning would deploy an image
  nobody reviewed), and always in YAML (policies, exceptions, ``pipeline-tools.yml``: a repeated key
  silently wins in PyYAML).
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections.abc import Iterable

from pipeline_tools.core.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# orjson's fixed nesting bound: documents deeper than this are refused by the parser itself.
MAX_JSON_DEPTH = 1024
# Recursion the interpreter must allow so that a recursive walk (several frames per level) over a
# document at MAX_JSON_DEPTH cannot run out; raised once, by :func:`ensure_recursion_headroom`.
_RECURSION_HEADROOM = 6 * MAX_JSON_DEPTH + 1000

_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def ensure_recursion_headroom() -> None:
    """Let recursive walks reach the documents' depth bound (Python's default, 1000, is lower)."""
    if sys.getrecursionlimit() < _RECURSION_HEADROOM:
        sys.setrecursionlimit(_RECURSION_HEADROOM)


def utf8_bytes(data: bytes, name: str) -> bytes:
    """``data`` without a UTF-8 byte-order mark; UTF-16/32 text is refused with its name."""
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM):]
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise InputError(f"{name}: is {encoding} text; save it as UTF-8")
    if len(data) >= 2 and (data[0] == 0 or data[1] == 0):
        raise InputError(f"{name}: is not UTF-8 text (UTF-16 without a byte-order mark?); save it as UTF-8")
    return data


def decode_utf8(data: bytes, name: str) -> str:
    """Strict UTF-8 text of ``data`` (byte-order mark dropped) or a one-line error naming ``name``."""
    data = utf8_bytes(data, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: is not UTF-8 text (invalid byte at offset {exc.start})") from None


# Where a big plan object is cut to be parsed a piece at a time (see _loads_in_pieces): before these
# members, in the order terraform writes them, and between the elements of resource_changes. Both
# the compact spelling (terraform's) and the one with spaces (Python's json.dumps) are recognised.
_CUT_MEMBERS = (b"planned_values", b"resource_drift", b"resource_changes", b"output_changes",
                b"prior_state")
_ELEMENT_STARTS = (b'},{"address":', b'}, {"address":')
_PIECES_FROM_BYTES = 4 * 1024 * 1024
_CHUNK_BYTES = 1024 * 1024


def loads_fast(data: bytes, name: str) -> Any:
    """Parse a possibly large document with orjson: strict (no NaN/Infinity, UTF-8 only, at most
    :data:`MAX_JSON_DEPTH` levels) and about twice as fast as the standard library.

    A small document is read by the standard library instead, with exactly orjson's answer:
    importing orjson (which imports dataclasses, inspect, uuid and datetime) costs more start-up
    than parsing a plan of a megabyte or two. Whatever the standard library would read
    differently (NaN, Infinity, 1e400, integers beyond 64 bits, escaped lone surrogates, nesting
    past orjson's bound) or cannot read at all goes to orjson, for its result or its error."""
    data = utf8_bytes(data, name)
    if len(data) < _STDLIB_BELOW_BYTES:
        document = _loads_small_like_orjson(data)
        if document is not _NOT_READ:
            return document
    import orjson

    if len(data) >= _PIECES_FROM_BYTES:
        document = _loads_in_pieces(data)
        if document is not None:
            return document
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        message = str(exc.args[0]) if exc.args else "not JSON"
        if "depth limit" in message or "recursion" in message:
            raise InputError(f"{name}: JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)") from None
        hint = " (the file looks truncated)" if exc.pos >= len(data.rstrip()) else ""
        raise InputError(
            f"{name}: is not valid JSON{hint}: {message} at line {exc.lineno} column {exc.colno}"
        ) from None


# Below this size the standard library parses a plan faster than importing orjson takes.
_STDLIB_BELOW_BYTES = 2 * 1024 * 1024
_NOT_READ = object()
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1


class _OrjsonWouldDiffer(Exception):
    """The standard library would read this document otherwise than orjson: ask orjson."""


def _orjson_int(text: str) -> int:
    value = int(text)
    if not _INT64_MIN <= value <= _UINT64_MAX:  # orjson reads these as floats
        raise _OrjsonWouldDiffer
    return value


def _orjson_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: orjson refuses it
        raise _OrjsonWouldDiffer
    return value


def _orjson_constant(text: str) -> Any:  # NaN, Infinity, -Infinity: orjson refuses them
    raise _OrjsonWouldDiffer


def _loads_small_like_orjson(data: bytes) -> Any:
    """``data`` parsed by the standard library exactly as orjson would, or :data:`_NOT_READ`."""
    if b"\\ud" in data or b"\\uD" in data:  # an escaped surrogate, maybe lone: orjson refuses those
        return _NOT_READ
    try:
        document = json.loads(data.decode("utf-8"), parse_int=_orjson_int, parse_float=_orjson_float,
                              parse_constant=_orjson_constant)
    except (ValueError, RecursionError, _OrjsonWouldDiffer):  # UnicodeDecodeError and JSONDecodeError too
        return _NOT_READ
    # The standard library's own bound is the interpreter's recursion limit, which a plan reader
    # raises above orjson's: where the document could be deeper than that bound, measure it.
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and _deeper_than(document, MAX_JSON_DEPTH):
        return _NOT_READ
    return document


def _deeper_than(document: Any, max_depth: int) -> bool:
    try:
        check_depth(document, max_depth, "")
    except InputError:
        return True
    return False


def _is_spaced(data: bytes) -> bool:
    """Whether the document writes ``"key": value`` (Python) rather than ``"key":value`` (terraform):
    searching for the spelling that is not there would scan the whole document each time."""
    colon = data.find(b'":', 0, 4096)
    return colon >= 0 and data[colon + 2:colon + 3] == b" "


def _loads_in_pieces(data: bytes) -> dict[str, Any] | None:
    """A big plan object parsed a piece at a time, or None to parse it whole.

    orjson builds its own document tree before the Python objects, so parsing 40 MB at once holds
    both (peak memory ~1.6x the standard library's). Cutting the object at the commas before its
    big members (``,"resource_changes":`` ...), and ``resource_changes`` between its elements
    about every megabyte, bounds that tree by the largest piece. Each cut is proven by the parse
    itself: a comma inside a nested value leaves at least two brackets open on one side of it, and
    wrapping a piece adds only one, so a wrong cut can never parse. Anything unexpected (a member
    missing, a failed parse, a repeated member) returns None and the caller parses the whole
    document, which gives the exact answer or the exact error.
    """
    import orjson

    if not data.lstrip().startswith(b"{"):
        return None
    spaced = _is_spaced(data)
    cuts: list[int] = []
    position = 0
    for member in _CUT_MEMBERS:
        found = data.find((b', "' + member + b'": ') if spaced else (b',"' + member + b'":'), position)
        if found < 0:
            return None
        cuts.append(found)
        position = found + 1
    document: dict[str, Any] = {}
    bounds = [0, *cuts, len(data)]
    try:
        for start, end in itertools.pairwise(bounds):
            if start == 0:
                part = orjson.loads(data[:end] + b"}")
            elif end == len(data):
                part = orjson.loads(b"{" + data[start + 1:])
            elif data.startswith(b"resource_changes", data.index(b'"', start) + 1):
                changes = _loads_array_in_chunks(data, data.index(b":", start) + 1, end,
                                                 _ELEMENT_STARTS[1] if spaced else _ELEMENT_STARTS[0])
                if changes is None:
                    return None
                part = {"resource_changes": changes}
            else:
                part = orjson.loads(b"{" + data[start + 1:end] + b"}")
            if not isinstance(part, dict) or document.keys() & part.keys():
                return None
            document.update(part)
            del part
    except orjson.JSONDecodeError:
        return None
    return document


def _loads_array_in_chunks(data: bytes, start: int, end: int, element_start: bytes) -> list[Any] | None:
    """The JSON array in ``data[start:end]`` parsed about a megabyte of elements at a time, cut
    between elements (``},{"address":``), or None. Raises orjson.JSONDecodeError on a wrong cut."""
    import orjson

    text_start = start + len(data[start:start + 16]) - len(data[start:start + 16].lstrip())
    text_end = end
    while text_end > text_start and data[text_end - 1] in b" \t\r\n":
        text_end -= 1
    if data[text_start:text_start + 1] != b"[" or data[text_end - 1:text_end] != b"]":
        return None
    items: list[Any] = []
    piece_start = text_start  # at "[" for the first piece, else at the "," of a cut
    while True:
        cut = data.find(element_start, piece_start + _CHUNK_BYTES, text_end)
        if cut < 0 or cut >= text_end:
            break
        comma = cut + 1
        if piece_start == text_start:
            items.extend(orjson.loads(data[text_start:comma] + b"]"))
        else:
            items.extend(orjson.loads(b"[" + data[piece_start + 1:comma] + b"]"))
        piece_start = comma
    if piece_start == text_start:
        items.extend(orjson.loads(data[text_start:text_end]))
    else:
        items.extend(orjson.loads(b"[" + data[piece_start + 1:text_end]))
    return items


def _refuse_constant(name: str) -> Any:
    def refuse(constant: str) -> Any:
        raise InputError(f"{name}: {constant} is not a JSON number")

    return refuse


def _finite_float(name: str) -> Any:
    def parse(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise InputError(f"{name}: number {text[:40]} is too large")
        return value

    return parse


def _unique_keys(name: str) -> Any:
    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InputError(f"{name}: key {key!r} appears twice in one object")
            result[key] = value
        return result

    return build


def loads_strict(data: bytes | str, name: str, *, max_depth: int, unique_keys: bool = False) -> Any:
    """Parse a small document with the standard library, strictly, with its own depth bound (and,
    with ``unique_keys``, no key repeated within an object)."""
    text = data if isinstance(data, str) else decode_utf8(data, name)
    text = text.removeprefix("\ufeff")
    try:
        document = json.loads(
            text,
            parse_constant=_refuse_constant(name),
            parse_float=_finite_float(name),
            object_pairs_hook=_unique_keys(name) if unique_keys else None,
        )
    except RecursionError:  # the parser's own recursion: the document is absurdly deep
        raise InputError(f"{name}: JSON nested too deeply (more than {max_depth} levels)") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") \
            from None
    check_depth(document, max_depth, name)
    return document


def load_yaml_strict(text: str, name: str, *, max_depth: int) -> Any:
    """YAML read with PyYAML's SafeLoader (no arbitrary objects), refusing a key given twice in
    one mapping and nesting deeper than ``max_depth``, each as one :class:`InputError` line."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        nesting = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            # Bounded while composing, not by catching RecursionError: how deep that lets PyYAML go
            # depends on the interpreter's recursion limit (which reading a plan raises), and its
            # scanner is quadratic in the nesting, so a deep file would take tens of seconds to
            # refuse. A node this deep sits in a collection deeper than check_depth allows.
            self.nesting += 1
            try:
                if self.nesting > max_depth + 1:
                    raise InputError(f"{name}: nested too deeply (more than {max_depth} levels)")
                return super().compose_node(parent, index)
            finally:
                self.nesting -= 1

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise InputError(
                        f"{name}: line {key_node.start_mark.line + 1}: key {key!r} appears twice")
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        document = yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "malformed"
        at = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"{name}: not valid YAML ({at}{problem})") from None
    except RecursionError:  # PyYAML's own recursion (constructing): the file is absurdly deep
        raise InputError(f"{name}: nested too deeply (more than {max_depth} levels)") from None
    check_depth(document, max_depth, name)
    return document


def check_depth(document: Any, max_depth: int, name: str) -> None:
    """Refuse a decoded document (JSON or YAML) nested more than ``max_depth`` levels (iterative)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise InputError(f"{name}: nested too deeply (more than {max_depth} levels)")
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def dumps_strict(document: Any, *, indent: int | None = None) -> str:
    """JSON that every strict reader accepts (``allow_nan=False``: a NaN reaching here is a bug)."""
    return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)
