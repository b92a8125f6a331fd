"""Finding ``module`` calls in ``.tf`` files, cheaply first and exactly where it matters.

python-hcl2 gives the exact answer but costs tens of milliseconds per file, so a repository of
thousands of files cannot be parsed whole on every run. Three steps keep it cheap:

1. ``local_sources``: a regular expression lists every ``source = "./..."`` / ``"../..."`` string in
   a file. It is a superset of the local module sources (it also sees commented-out lines and
   ``source`` attributes of other blocks), so a file it says nothing about cannot call a local module.
2. Only files whose candidate sources point at a changed directory go on to ``module_calls``.
3. ``module_blocks`` cuts the ``module "name" { ... }`` blocks out of the file with a small scanner
   (aware of strings, template interpolations, comments and heredocs); only the blocks that mention
   a wanted source go to python-hcl2 (``module_calls``), which confirms the call and gives its name.
   A file the scanner cannot cut is parsed whole.
"""

from __future__ import annotations

import re
from typing import Any

# Terraform's rule: a local module source starts with "./" or "../" (and is always a plain literal).
_LOCAL_SOURCE = re.compile(r'''\bsource\s*=\s*"(\.\.?/[^"\\$]*)"''')
_MODULE_HEADER = re.compile(r'(?m)^[ \t]*module[ \t]+"([^"\\]+)"[ \t]*\{')
_HEREDOC_START = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n")


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../")) or source in (".", "..")


def local_sources(text: str) -> list[str]:
    """Every string that may be a local module source in ``text`` (a superset: see module docs)."""
    if "source" not in text or "module" not in text:
        return []
    return sorted(set(_LOCAL_SOURCE.findall(text)))


def module_blocks(text: str) -> list[str] | None:
    """The text of each top-level ``module`` block, or None when the scanner cannot be sure."""
    blocks: list[str] = []
    for match in _MODULE_HEADER.finditer(text):
        end = _group_end(text, match.end() - 1)
        if end < 0:
            return None
        blocks.append(text[match.start():end])
    return blocks


class HclSyntaxError(ValueError):
    """python-hcl2 cannot read the text: its first line says where."""


def decode_tf(data: bytes) -> str:
    """The text of a ``.tf`` file as terraform reads it: UTF-8, a leading byte-order mark dropped.
    Raises UnicodeDecodeError for anything else (terraform refuses such a file too)."""
    return data.decode("utf-8-sig")


def module_calls(text: str) -> list[tuple[str, str]]:
    """The ``(name, source)`` of each ``module`` block in ``text`` (a whole file or a cut block),
    as python-hcl2 reads them. Raises :class:`HclSyntaxError` when it is not HCL: guessing would
    risk dropping a root, so the caller reports the file instead."""
    import hcl2  # heavy: only when a file really needs parsing

    try:
        document = hcl2.loads(text if text.endswith("\n") else text + "\n")
    except Exception as exc:  # python-hcl2 raises lark errors of many kinds on bad syntax
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise HclSyntaxError(first_line[:200]) from None
    return _calls_from_document(document)


def _calls_from_document(document: dict[str, Any]) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    for entry in document.get("module", []) or []:
        if not isinstance(entry, dict):
            continue
        for name, body in entry.items():
            source = body.get("source") if isinstance(body, dict) else None
            if isinstance(source, str):
                calls.append((str(name).strip('"'), source))
    return calls


def _group_end(text: str, index: int) -> int:
    """Index just past the ``}`` closing the ``{`` at ``index``; -1 if unbalanced."""
    depth = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == '"':
            index = _string_end(text, index)
            if index < 0:
                return -1
            continue
        if char == "#" or text.startswith("//", index):
            index = text.find("\n", index)
            if index < 0:
                return -1
            continue
        if text.startswith("/*", index):
            close = text.find("*/", index + 2)
            if close < 0:
                return -1
            index = close + 2
            continue
        if char == "<" and text.startswith("<<", index):
            heredoc = _HEREDOC_START.match(text, index)
            if heredoc:
                closing = re.compile(rf"(?m)^[ \t]*{re.escape(heredoc.group(1))}[ \t]*\r?$")
                end = closing.search(text, heredoc.end())
                if end is None:
                    return -1
                index = end.end()
                continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def _string_end(text: str, index: int) -> int:
    """Index just past the closing quote of the string opening at ``index``; -1 if unterminated."""
    index += 1
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            return index + 1
        if char == "\n":
            return -1
        if char in "$%" and text.startswith(char + char + "{", index):
            index += 3  # "$${" and "%%{" are escapes for a literal "${" / "%{", not templates
            continue
        if char in "$%" and text.startswith("{", index + 1):
            index = _group_end(text, index + 1)
            if index < 0:
                return -1
            continue
        index += 1
    return -1
