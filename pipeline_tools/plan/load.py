"""Reading a plan: the only I/O in :mod:`pipeline_tools.plan`.

``load_plan`` accepts the output of ``terraform show -json PLANFILE`` from a path or ``-`` (stdin)
and turns every way that input can be wrong into one clear :class:`InputError` line.
"""

from __future__ import annotations

import sys

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.strict_input import ensure_recursion_headroom, loads_fast

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Majors of the plan JSON format this tool understands (terraform 0.12 wrote 0.1; 1.x writes 1.y).
SUPPORTED_FORMAT_MAJORS = frozenset({0, 1})
_ZIP_MAGIC = b"PK\x03\x04"


def load_plan(source: str) -> dict[str, Any]:
    """Read and validate a plan JSON document from ``source`` (a path, or ``-`` for stdin)."""
    name = "stdin" if source == "-" else source
    data = _read_bytes(source, name)
    return parse_plan(data, name)


def _read_bytes(source: str, name: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        with open(source, "rb") as plan_file:  # not pathlib: start-up (benchmarks/)
            return plan_file.read()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, expected the JSON of a plan") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None


def parse_plan(data: bytes, name: str = "plan") -> dict[str, Any]:
    """Validate ``data`` as plan JSON; raise :class:`InputError` with a one-line reason."""
    if not data.strip():
        raise InputError(f"{name}: is empty, expected the output of 'terraform show -json PLANFILE'")
    if data.startswith(_ZIP_MAGIC):
        raise InputError(
            f"{name}: is a binary terraform plan file; convert it first with "
            "'terraform show -json PLANFILE > plan.json'"
        )
    # orjson: strict JSON (NaN, Infinity, invalid UTF-8 refused) nested at most MAX_JSON_DEPTH
    # levels, about twice as fast as the standard library on big plans.
    document = loads_fast(data, name)
    if not isinstance(document, dict):
        raise InputError(f"{name}: is JSON but not a terraform plan (expected an object)")
    _check_is_plan(document, name)
    # Every walk over the plan (summary, masking, fingerprint) recurses once or a few times per
    # level: give it room for the deepest document the parser accepts.
    ensure_recursion_headroom()
    return document


def _check_is_plan(document: dict[str, Any], name: str) -> None:
    if "lineage" in document and "serial" in document:
        raise InputError(f"{name}: is a terraform state file, not a plan")
    if "values" in document and "planned_values" not in document and "resource_changes" not in document:
        raise InputError(f"{name}: is the JSON of a terraform state (terraform show -json without a plan), "
                         "not a plan")
    version = document.get("format_version")
    if not isinstance(version, str):
        raise InputError(f"{name}: is JSON but not a terraform plan (no format_version)")
    major_text = version.split(".", 1)[0]
    if not major_text.isdigit() or int(major_text) not in SUPPORTED_FORMAT_MAJORS:
        raise InputError(
            f"{name}: plan format_version {version!r} is not supported "
            f"(this version of pipeline-tools reads 0.x and 1.x)"
        )
    if not any(key in document for key in ("planned_values", "resource_changes", "configuration")):
        raise InputError(f"{name}: is JSON but not a terraform plan (no planned_values or resource_changes)")
    _check_shapes(document, name)


# Fields of a resource change the summary prints or compares as text (previous_address and
# action_reason of other types are shown as they are: see test_odd_but_loadable_plans_never_crash).
_RESOURCE_TEXT_FIELDS = ("address", "module_address", "mode", "type", "name", "provider_name", "deposed")


def _is_action_list(actions: Any) -> bool:
    return isinstance(actions, list) and all(isinstance(action, str) for action in actions)


def _check_shapes(document: dict[str, Any], name: str) -> None:
    """The containers the summary walks have the shapes terraform writes (no internal errors)."""
    for key in ("resource_changes", "resource_drift"):
        entries = document.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise InputError(f"{name}: {key} is not a list")
        for index, entry in enumerate(entries):
            change = entry.get("change") if isinstance(entry, dict) else None
            if not isinstance(change, dict) or not _is_action_list(change.get("actions", [])):
                raise InputError(f"{name}: {key}[{index}] is not a resource change "
                                 "(an object with a change and its actions, a list of strings)")
            for field in _RESOURCE_TEXT_FIELDS:
                if entry.get(field) is not None and not isinstance(entry[field], str):
                    raise InputError(f"{name}: {key}[{index}].{field} is not a string")
    for key in ("output_changes", "variables", "planned_values", "configuration"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            raise InputError(f"{name}: {key} is not an object")
    for key in ("output_changes", "variables"):
        for item_name, item in (document.get(key) or {}).items():
            if not isinstance(item, dict):
                raise InputError(f"{name}: {key}.{item_name} is not an object")
    for item_name, item in (document.get("output_changes") or {}).items():
        if not _is_action_list(item.get("actions", [])):
            raise InputError(f"{name}: output_changes.{item_name}.actions is not a list of strings")
    for key in ("relevant_attributes", "checks", "deferred_changes"):
        value = document.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(i, dict) for i in value)):
            raise InputError(f"{name}: {key} is not a list of objects")
    outputs = (document.get("planned_values") or {}).get("outputs")
    if outputs is not None and not (
            isinstance(outputs, dict) and all(isinstance(o, dict) for o in outputs.values())):
        raise InputError(f"{name}: planned_values.outputs is not an object of outputs")
    root = (document.get("configuration") or {}).get("root_module")
    if root is not None and not (isinstance(root, dict) and isinstance(root.get("variables") or {}, dict)):
        raise InputError(f"{name}: configuration.root_module is not a module")
