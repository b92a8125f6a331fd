"""Rendering a :class:`~pipeline_tools.cost.model.CostReport`: JSON (``to_dict``), markdown, text.

Money is written as decimal strings with exactly two decimals ("18.02", "-13.14"), never floats,
in the JSON; markdown and text show "$1,234.56" and a signed change ("+$13.14", "-$2.00").
Markdown and text come from Jinja2 templates in ``pipeline_tools/templates/cost/``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pipeline_tools.cost.model import HOURS_PER_MONTH, CostReport

JSON_FORMAT = 1
# How many changed resources (and usage / not-priced entries) the markdown lists before "and N more".
MARKDOWN_ROWS = 25


def money(value: Decimal) -> str:
    """The JSON form of an amount: two decimals, no thousands separator ("1234.50")."""
    return f"{value:.2f}"


def dollars(value: Decimal) -> str:
    return f"${value:,.2f}" if value >= 0 else f"-${-value:,.2f}"


def signed(value: Decimal) -> str:
    if value > 0:
        return f"+${value:,.2f}"
    if value < 0:
        return f"-${-value:,.2f}"
    return "$0.00"


def to_dict(report: CostReport) -> dict[str, Any]:
    """The documented JSON document of ``report`` (docs/cost.md)."""
    snapshot = report.snapshot
    return {
        "format": JSON_FORMAT,
        "currency": report.currency,
        "hours_per_month": int(HOURS_PER_MONTH),
        "monthly": {"before": money(report.monthly_before), "after": money(report.monthly_after),
                    "delta": money(report.monthly_delta)},
        "resources": [
            {"address": r.address, "type": r.type, "actions": list(r.actions),
             "monthly_before": money(r.monthly_before), "monthly_after": money(r.monthly_after),
             "monthly_delta": money(r.monthly_delta), "basis": r.basis, "assumptions": list(r.assumptions)}
            for r in report.resources
        ],
        "usage": [{"address": u.address, "type": u.type, "assumption": u.assumption} for u in report.usage],
        "not_priced": [{"address": n.address, "type": n.type, "reason": n.reason} for n in report.not_priced],
        "assumptions": [{"address": address, "assumption": text} for address, text in report.assumptions],
        "no_charge": dict(report.no_charge),
        "prices": {"source": snapshot.source, "date": snapshot.date, "region": snapshot.region},
    }


def render_cost_json(report: CostReport) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"


@lru_cache(maxsize=1)
def jinja_environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline_tools", "templates/cost"),
        autoescape=False,  # markdown and plain text, not HTML
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dollars"] = dollars
    env.filters["signed"] = signed
    env.filters["cell"] = _cell
    return env


def _cell(value: object) -> str:
    """Text safe inside a markdown table cell and inside backticks."""
    return " ".join(str(value).split()).replace("|", "\\|").replace("`", "'")


def _variables(report: CostReport, env: str | None, rows: int) -> dict[str, Any]:
    changed = report.changed
    return {"report": report, "env": env, "changed": changed[:rows],
            "changed_hidden": max(len(changed) - rows, 0),
            "usage": report.usage[:rows], "usage_hidden": max(len(report.usage) - rows, 0),
            "not_priced": report.not_priced[:rows],
            "not_priced_hidden": max(len(report.not_priced) - rows, 0),
            "assumptions": report.assumptions[:rows],
            "assumptions_hidden": max(len(report.assumptions) - rows, 0),
            "snapshot": report.snapshot}


def render_cost_markdown(report: CostReport, env: str | None = None, rows: int = MARKDOWN_ROWS) -> str:
    """A markdown section: totals, the resources whose cost changes, usage, not priced, assumptions."""
    text = jinja_environment().get_template("section.md.j2").render(**_variables(report, env, rows))
    return text.strip() + "\n"


def render_cost_text(report: CostReport, env: str | None = None) -> str:
    text = jinja_environment().get_template("text.j2").render(**_variables(report, env, 10**9))
    return text.strip() + "\n"
