"""The cost part of the pull request comment, read back from ``plan cost --format json``.

``plan comment --cost NAME COST_JSON`` gives each environment a :class:`CostSummary`; the comment
shows it as a dashboard cell (monthly cost after the plan, and the change) and as a short section
listing the resources whose cost changes (template ``templates/cost/comment.md.j2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline_tools.cost.render import dollars, signed


@dataclass(frozen=True)
class CostChange:
    address: str
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class CostSummary:
    currency: str
    before: Decimal
    after: Decimal
    changes: tuple[CostChange, ...]  # resources whose cost changes, biggest change first
    not_priced: int
    assumptions: int
    usage: int
    region: str
    date: str

    @property
    def delta(self) -> Decimal:
        return self.after - self.before

    def dashboard_cell(self) -> str:
        return f"{dollars(self.after)} ({signed(self.delta)})"


def _money(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where} is not an amount: {value!r}") from None
    if not isinstance(value, str) or not amount.is_finite():
        raise ValueError(f"{where} is not an amount string: {value!r}")
    return amount


def summary_from_json(data: Any) -> CostSummary:
    """Read the JSON of ``plan cost --format json``; ValueError with the reason when it is not that."""
    if not isinstance(data, dict) or not isinstance(data.get("monthly"), dict) or not isinstance(
            data.get("resources"), list):
        raise ValueError("not the JSON of 'pipeline-tools plan cost --format json'")
    monthly = data["monthly"]
    changes = []
    for index, resource in enumerate(data["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("address"), str):
            raise ValueError(f"resources[{index}] is not a resource")
        where = f"resources[{index}]"
        change = CostChange(resource["address"], _money(resource.get("monthly_before"), where),
                            _money(resource.get("monthly_after"), where))
        if change.delta:
            changes.append(change)
    changes.sort(key=lambda c: (-abs(c.delta), c.address))
    prices_value = data.get("prices")
    prices: dict[str, Any] = prices_value if isinstance(prices_value, dict) else {}
    return CostSummary(
        currency=str(data.get("currency") or "USD"),
        before=_money(monthly.get("before"), "monthly.before"),
        after=_money(monthly.get("after"), "monthly.after"),
        changes=tuple(changes),
        not_priced=len(data.get("not_priced") or ()),
        assumptions=len(data.get("assumptions") or ()),
        usage=len(data.get("usage") or ()),
        region=str(prices.get("region") or "?"),
        date=str(prices.get("date") or "?"),
    )


def render_cost_comment(summary: CostSummary, max_chars: int, max_rows: int = 10) -> str:
    """The environment's cost section, at most ``max_chars`` long (fewer rows, then nothing)."""
    from pipeline_tools.cost.render import jinja_environment

    template = jinja_environment().get_template("comment.md.j2")
    for rows in dict.fromkeys((max_rows, 3, 0)):
        text = template.render(summary=summary, shown=summary.changes[:rows],
                               hidden=len(summary.changes) - min(rows, len(summary.changes))).strip()
        if len(text) <= max_chars:
            return text
    return ""
