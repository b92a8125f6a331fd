"""The plan summary as one JSON object (schema in docs/plan-summary.md)."""

from __future__ import annotations

import contextlib
import json

from pipeline_tools.plan.masking import scrub
from pipeline_tools.plan.model import PlanSummary

# From this many resource changes orjson's encoder (about 3x the standard library's on huge plans)
# saves more than importing it costs.
ORJSON_FROM_RESOURCES = 1000


def render_plan_json(summary: PlanSummary, *, indent: int | None = None) -> str:
    """One JSON object on one line, strict JSON (no NaN or Infinity, whatever reached it)."""
    # Every string of the document was masked by the model before encoding; the scrub is the last
    # line of defence and knows the escaped forms too.
    document = summary.to_json_dict()
    text = None
    if indent is None and len(summary.resources) < ORJSON_FROM_RESOURCES:
        # The same bytes as orjson writes, without importing it (start-up on small plans).
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    elif indent is None:
        import orjson

        # orjson: about 3x faster than the C encoder of the standard library on huge plans, and
        # strict by construction (a NaN or Infinity, which the loader already refuses, would be
        # written as null, never as a bare token that strict readers reject). A summary built in
        # process from text orjson cannot encode (a lone surrogate) takes the standard encoder.
        with contextlib.suppress(orjson.JSONEncodeError):
            text = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS).decode()
    if text is None:
        text = json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)
    return scrub(text, summary.sensitive_values()) + "\n"
