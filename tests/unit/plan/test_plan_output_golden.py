"""`plan summarize` output, byte for byte, against goldens written before the plan reader was
made faster (issue 11 item 10): speed work must not change a single byte of what users read.

Inputs are real plans: the public corpus (tests/fixtures/plans/terraform-json/) and the scenario
plan that terraform made against the local moto server (tests/fixtures/plans/scenario/, see
tests/fixtures/SOURCES.md), also scaled up under numbered modules so that the markdown budget
degrades and the JSON holds many updates and replacements. Each runs through the command's I/O
shell (:func:`pipeline_tools.plan.run.summarize_plan`), in every format.

Regenerate the goldens only for a deliberate output change:
``PIPELINE_TOOLS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/unit/plan/test_plan_output_golden.py``.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from pipeline_tools.plan.run import summarize_plan
from tests.support.paths import FIXTURES
from tests.support.plan_scenarios import scale_plan

PLANS_DIR = FIXTURES / "plans"
GOLDEN_DIR = PLANS_DIR / "golden"
SCENARIO = PLANS_DIR / "scenario" / "scenario__plan.json"
CORPUS = sorted(p for p in (PLANS_DIR / "terraform-json").glob("*__plan.json")
                if p.name != "invalid__plan.json")
# Enough copies of the 19 scenario changes that the default markdown budget (65,536) is exceeded.
SCALED_COPIES = 40
FORMATS = {"json": "json", "markdown": "md", "text": "txt"}
REGENERATE = os.environ.get("PIPELINE_TOOLS_REGEN_GOLDEN") == "1"


def _cases() -> list[tuple[str, Path | None, str]]:
    real = [(p.name.removesuffix("__plan.json"), p) for p in CORPUS] + [("scenario", SCENARIO)]
    # The scaled plan repeats the scenario's resources: only its markdown (the degraded budget)
    # says something the unscaled goldens do not.
    return [(name, path, fmt) for name, path in real for fmt in sorted(FORMATS)] + [
        (f"scenario_x{SCALED_COPIES}", None, "markdown")]


def _plan_file(path: Path | None, tmp_path: Path) -> Path:
    if path is not None:
        return path
    scaled = tmp_path / "scaled.plan.json"
    scaled.write_text(json.dumps(scale_plan(json.loads(SCENARIO.read_text()), SCALED_COPIES)))
    return scaled


@pytest.mark.parametrize(("name", "path", "output_format"), _cases(),
                         ids=[f"{name}-{fmt}" for name, _, fmt in _cases()])
def test_output_is_byte_identical_to_golden(name: str, path: Path | None, output_format: str,
                                            tmp_path: Path) -> None:
    out = io.StringIO()
    options = {"env": "prod", "details_url": "https://ci.example/run/1"} \
        if output_format == "markdown" else {}
    assert summarize_plan(str(_plan_file(path, tmp_path)), output_format=output_format, out=out,
                          **options) == 0
    golden = GOLDEN_DIR / f"{name}.{FORMATS[output_format]}"
    if REGENERATE:
        golden.write_text(out.getvalue(), encoding="utf-8")
    assert out.getvalue() == golden.read_text(encoding="utf-8")


def test_goldens_cover_updates_replacements_and_secrets() -> None:
    """The goldens hold what the speed work touches: changed attributes of updates and
    replacements, and masked secrets (a golden of only creates would prove little)."""
    document = json.loads((GOLDEN_DIR / "scenario.json").read_text(encoding="utf-8"))
    changed = {resource["address"]: resource["changed_attributes"] for resource in document["resources"]
               if resource["changed_attributes"]}
    assert len(changed) >= 5
    assert {r["action"] for r in document["resources"]} >= {"update", "replace", "create", "delete"}
    assert "(sensitive value)" in (GOLDEN_DIR / "scenario.md").read_text(encoding="utf-8")
