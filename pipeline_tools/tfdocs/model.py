"""What a Terraform module declares: its variables, outputs and resources, as plain data.

Pure: takes the dictionaries python-hcl2 produces and never touches the file system.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# python-hcl2 wraps every expression it cannot turn into a literal in "${...}".
_INTERPOLATION = re.compile(r'"\$\{((?:[^"\\]|\\.)*)\}"')
_QUOTED_WORD = re.compile(r'"([A-Za-z_][A-Za-z0-9_-]*)"')


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


def unwrap_expression(text: str) -> str:
    """``${map(string)}`` -> ``map(string)``; nested python-hcl2 quoting back to HCL."""
    text = text.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    previous = None
    while previous != text:
        previous = text
        text = _INTERPOLATION.sub(lambda match: match.group(1), text)
    # object({"a": "string"}) -> object({a = string})
    text = re.sub(r'"([A-Za-z_][A-Za-z0-9_-]*)":\s*', r"\1 = ", text)
    text = _QUOTED_WORD.sub(r"\1", text)
    return text


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
