"""What a Terraform module declares: its variables, outputs and resources, as plain data.

Pure: takes the dictionaries python-hcl2 produces and never touches the file system.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# python-hcl2 writes type keywords and object keys inside expressions as quoted strings.
_QUOTED_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_-]*)":\s*')
_QUOTED_TYPE_KEYWORD = re.compile(r'"(string|number|bool|any)"')


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    description: str
    default: str | None  # rendered HCL-ish literal; None when the variable is required
    required: bool
    sensitive: bool = False


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    sensitive: bool = False


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    data: bool = False

    @property
    def address(self) -> str:
        return f"{'data.' if self.data else ''}{self.type}.{self.name}"


@dataclass
class ModuleDocs:
    variables: list[Variable] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    modules: list[tuple[str, str]] = field(default_factory=list)  # (name, source)


def _strip_interpolations(text: str) -> str:
    """Replace every ``"${...}"`` python-hcl2 wrote with the bare expression (nesting aware)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith('"${', i):
            j, depth, in_string = i + 3, 1, False
            while j < len(text) and depth:
                char = text[j]
                if in_string:
                    if char == "\\":
                        j += 1
                    elif char == '"':
                        in_string = False
                elif char == '"':
                    in_string = True
                elif char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                j += 1
            if depth == 0 and j < len(text) and text[j] == '"':
                out.append(_strip_interpolations(text[i + 3:j - 1]))
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def unwrap_expression(text: str) -> str:
    """``${map(string)}`` -> ``map(string)``; nested python-hcl2 quoting back to HCL."""
    text = text.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    text = _strip_interpolations(text)
    # object({"a": "string"}) -> object({a = string})
    text = _QUOTED_KEY.sub(r"\1 = ", text)
    return _QUOTED_TYPE_KEYWORD.sub(r"\1", text)


def render_value(value: Any) -> str:
    """A default value written the way it would appear in HCL (close enough to read)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if value.startswith("${") and value.endswith("}"):
            return unwrap_expression(value)
        return json.dumps(value)
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(f"{_key(key)} = {render_value(item)}" for key, item in value.items())
        return "{ " + items + " }"
    return json.dumps(value, default=str)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else json.dumps(key)


def _blocks(parsed: Mapping[str, Any], kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    for block in parsed.get(kind, []) or []:
        for name, body in block.items():
            yield name, body or {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    return unwrap_expression(value) if isinstance(value, str) and value.startswith("${") else str(value)


def collect(parsed_files: Iterable[Mapping[str, Any]]) -> ModuleDocs:
    """Merge the parsed ``.tf`` files of one module into its documentation model."""
    docs = ModuleDocs()
    for parsed in parsed_files:
        for name, body in _blocks(parsed, "variable"):
            has_default = "default" in body
            docs.variables.append(Variable(
                name=name,
                type=unwrap_expression(body["type"]) if isinstance(body.get("type"), str) else "any",
                description=_text(body.get("description")),
                default=render_value(body["default"]) if has_default else None,
                required=not has_default,
                sensitive=bool(body.get("sensitive", False)),
            ))
        for name, body in _blocks(parsed, "output"):
            docs.outputs.append(Output(
                name=name,
                description=_text(body.get("description")),
                sensitive=bool(body.get("sensitive", False)),
            ))
        for kind, data in (("resource", False), ("data", True)):
            for block in parsed.get(kind, []) or []:
                for resource_type, named in block.items():
                    for resource_name in named:
                        docs.resources.append(Resource(resource_type, resource_name, data))
        for name, body in _blocks(parsed, "module"):
            docs.modules.append((name, str(body.get("source", ""))))
    docs.variables.sort(key=lambda variable: variable.name)
    docs.outputs.sort(key=lambda output: output.name)
    docs.resources.sort(key=lambda resource: (resource.data, resource.type, resource.name))
    docs.modules.sort()
    return docs
