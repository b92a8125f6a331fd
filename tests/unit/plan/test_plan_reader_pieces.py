"""The big-plan reader parses a plan a piece at a time (memory) and must give exactly what parsing
it whole gives, or fall back to the whole parse: never a different document, never a lost error."""

from __future__ import annotations

import json

import orjson
import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.strict_input import _loads_in_pieces, loads_fast
from tests.conftest import FIXTURES

REAL_PLAN = json.loads((FIXTURES / "plans" / "terraform-json" / "basic__plan.json").read_text())


def _big(plan: dict, copies: int) -> dict:
    big = dict(plan)
    changes = plan.get("resource_changes") or []
    big["resource_changes"] = [dict(change, address=f"module.copy{i}.{change.get('address')}")
                               for i in range(copies) for change in changes]
    return big


@pytest.mark.parametrize("spelling", ["terraform", "python"])
def test_pieces_equal_the_whole_document(spelling: str) -> None:
    document = {"format_version": "1.2", "planned_values": {}, "resource_drift": [],
                **_big(REAL_PLAN, 6000), "output_changes": {}, "prior_state": {"values": {}}}
    data = orjson.dumps(document) if spelling == "terraform" else json.dumps(document).encode()
    assert len(data) > 4 * 1024 * 1024  # big enough to be read in pieces
    pieces = _loads_in_pieces(data)
    assert pieces is not None and pieces == orjson.loads(data)
    assert loads_fast(data, "plan") == orjson.loads(data)


def test_a_member_name_nested_before_the_real_one_falls_back_to_the_whole_parse() -> None:
    document = {"format_version": "1.2", "variables": {"v": {"value": {"x": 1, "planned_values": [1]}}},
                "planned_values": {}, "resource_drift": [], "resource_changes": [{"address": "a"}],
                "output_changes": {}, "prior_state": {}}
    data = orjson.dumps(document)
    assert _loads_in_pieces(data) is None  # the first cut lands inside a value: it cannot parse
    assert loads_fast(data + b" " * (4 * 1024 * 1024), "plan") == document


def test_an_element_boundary_inside_an_element_falls_back() -> None:
    inner = [{"address": "nested"}, {"address": "again"}]
    changes = [{"address": f"r{i}", "pad": "x" * 1000, "change": {"after": {"list": inner}}}
               for i in range(6000)]
    document = {"format_version": "1.2", "planned_values": {}, "resource_drift": [],
                "resource_changes": changes, "output_changes": {}, "prior_state": {}}
    data = orjson.dumps(document)
    assert loads_fast(data, "plan") == document


def test_errors_in_a_big_document_are_reported_by_the_whole_parse() -> None:
    document = {"format_version": "1.2", "planned_values": {}, "resource_drift": [],
                **_big(REAL_PLAN, 6000), "output_changes": {}, "prior_state": {}}
    data = orjson.dumps(document)
    broken = data[:-200] + b"NaN" + data[-197:]
    with pytest.raises(InputError, match="is not valid JSON"):
        loads_fast(broken, "plan")
