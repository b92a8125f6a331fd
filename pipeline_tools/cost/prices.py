"""Price snapshots: the unit prices ``plan cost`` multiplies quantities by.

A snapshot is a small JSON document (shipped as package data in ``pipeline_tools/data/prices/``,
one per region, or given with ``--prices FILE``)::

    {"format": 1, "region": "us-east-1", "currency": "USD", "date": "2026-06-01",
     "source": "where the prices come from",
     "prices": {"nat_gateway.hour": "0.045", "kms.key_month": "1.00", ...}}

Prices are decimal strings (never floats: 0.004445 must stay 0.004445). Keys name the price and
its unit by their last segment: ``*_hour`` / ``*.hour`` per hour, ``*_month`` per month, ``*_gb``
per GB; see docs/cost.md for the list. ``pipeline-tools prices refresh`` writes these files.

Parsing is pure (:func:`parse_snapshot`); the only I/O is reading the file (:func:`read_snapshot`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline_tools.core.errors import InputError

SNAPSHOT_FORMAT = 1
PRICES_DIR = Path(__file__).resolve().parent.parent / "data" / "prices"
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PriceSnapshot:
    """Unit prices of one region at one date, with where they come from."""

    region: str
    currency: str
    date: str
    source: str
    prices: dict[str, Decimal] = field(default_factory=dict)

    def get(self, key: str) -> Decimal | None:
        return self.prices.get(key)


def supported_regions() -> list[str]:
    """Regions with a shipped snapshot."""
    return sorted(path.stem for path in PRICES_DIR.glob("*.json"))


def parse_snapshot(document: Any, name: str = "prices") -> PriceSnapshot:
    """Validate a snapshot document; raise :class:`InputError` with a one-line reason."""
    if not isinstance(document, dict):
        raise InputError(f"{name}: not a price snapshot (expected a JSON object)")
    if document.get("format") != SNAPSHOT_FORMAT:
        raise InputError(f"{name}: unsupported price snapshot format {document.get('format')!r} "
                         f"(this version reads format {SNAPSHOT_FORMAT})")
    for key in ("region", "currency", "date", "source"):
        if not isinstance(document.get(key), str) or not document[key].strip():
            raise InputError(f"{name}: price snapshot has no {key}")
    if not _REGION.match(document["region"]):
        raise InputError(f"{name}: invalid region {document['region']!r}")
    if not _DATE.match(document["date"]):
        raise InputError(f"{name}: invalid date {document['date']!r} (expected YYYY-MM-DD)")
    raw = document.get("prices")
    if not isinstance(raw, dict):
        raise InputError(f"{name}: price snapshot has no prices object")
    prices: dict[str, Decimal] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            raise InputError(f"{name}: price {key!r} must be a decimal string, got {type(value).__name__}")
        try:
            price = Decimal(value)
        except InvalidOperation:
            raise InputError(f"{name}: price {key!r} is not a decimal number: {value!r}") from None
        if not price.is_finite() or price < 0:
            raise InputError(f"{name}: price {key!r} must be a non-negative number: {value!r}")
        prices[key] = price
    return PriceSnapshot(region=document["region"], currency=document["currency"], date=document["date"],
                         source=document["source"], prices=prices)


def read_snapshot(path: str | Path) -> PriceSnapshot:
    """Read and validate the snapshot file at ``path``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--prices {path}: no such file") from None
    except OSError as exc:
        raise InputError(f"--prices {path}: cannot read: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InputError(f"--prices {path}: not valid JSON ({exc})") from None
    return parse_snapshot(document, f"--prices {path}")


def shipped_snapshot(region: str) -> PriceSnapshot:
    """The snapshot shipped for ``region``; :class:`InputError` naming the supported ones if none."""
    path = PRICES_DIR / f"{region}.json"
    if not _REGION.match(region) or not path.is_file():
        raise InputError(f"no price snapshot for region {region!r} (shipped: "
                         f"{', '.join(supported_regions())}); give one with --prices FILE")
    return parse_snapshot(json.loads(path.read_text(encoding="utf-8")), f"snapshot {region}")


def snapshot_to_dict(snapshot: PriceSnapshot) -> dict[str, Any]:
    """The JSON document of ``snapshot`` (prices as decimal strings, keys sorted)."""
    return {"format": SNAPSHOT_FORMAT, "region": snapshot.region, "currency": snapshot.currency,
            "date": snapshot.date, "source": snapshot.source,
            "prices": {key: _plain(snapshot.prices[key]) for key in sorted(snapshot.prices)}}


def _plain(value: Decimal) -> str:
    """``0.0404800000`` -> ``0.04048``; ``1.0000000000`` -> ``1``: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text
