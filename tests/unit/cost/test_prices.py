"""The shipped price snapshots, and the seed figures docs/cost.md compares them with."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.cost.model import cents
from pipeline_tools.cost.prices import PRICES_DIR, parse_snapshot, shipped_snapshot, supported_regions
from tests.conftest import REPO_ROOT, assert_one_line_error, run_cli

H = Decimal(730)
DOC = (REPO_ROOT / "docs" / "cost.md").read_text()


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_each_shipped_snapshot_is_valid_and_says_where_its_prices_come_from(region: str) -> None:
    snapshot = shipped_snapshot(region)
    assert snapshot.region == region and snapshot.currency == "USD"
    assert snapshot.date == "2026-06-01" and "not the output of a live" in snapshot.source
    assert snapshot.prices["public_ipv4.hour"] == Decimal("0.005")
    assert snapshot.prices["kms.key_month"] == Decimal("1.00")
    assert region in supported_regions()


def test_eu_west_1_has_no_unverified_database_prices() -> None:
    prices = shipped_snapshot("eu-west-1").prices
    assert not [key for key in prices if key.startswith(("rds.", "elasticache.", "efs."))]
    assert "RDS, ElastiCache, EFS" in shipped_snapshot("eu-west-1").source


def test_the_seed_comparison_in_the_docs_is_what_the_snapshot_gives() -> None:
    p = shipped_snapshot("us-east-1").prices
    rds_single = cents(p["rds.postgres.single_az.db.t3.micro"] * H
                       + 20 * p["rds.storage.single_az.gp3.gb_month"])
    rds_multi = cents(p["rds.postgres.multi_az.db.t3.micro"] * H
                      + 20 * p["rds.storage.multi_az.gp3.gb_month"])
    task = cents((Decimal("0.25") * p["fargate.linux_x86.vcpu_hour"]
                  + Decimal("0.5") * p["fargate.linux_x86.gb_hour"]) * H)
    alb = cents(p["elb.application.hour"] * H) + cents(2 * p["public_ipv4.hour"] * H)
    redis = cents(p["elasticache.redis.cache.t3.micro"] * H)
    nat = cents(p["nat_gateway.hour"] * H) + cents(p["public_ipv4.hour"] * H)
    assert (rds_single, rds_multi, task, alb, redis, nat) == tuple(
        Decimal(v) for v in ("15.44", "30.88", "9.01", "23.73", "12.41", "36.50"))
    for figure in (rds_single, rds_multi, task, alb, redis, nat, rds_single + task + alb + redis + nat):
        assert f"${figure}" in DOC
    # within a dollar of the seed once the public IPv4 charge is counted
    assert abs(alb - 23) < 1


@pytest.mark.parametrize("document, message", [
    ([], "expected a JSON object"),
    ({"format": 2}, "unsupported price snapshot format"),
    ({"format": 1, "region": "us-east-1", "currency": "USD", "date": "June", "source": "x", "prices": {}},
     "invalid date"),
    ({"format": 1, "region": "us-east-1", "currency": "USD", "date": "2026-06-01", "source": "x",
      "prices": {"nat_gateway.hour": "-1"}}, "non-negative"),
])
def test_a_bad_snapshot_is_bad_input(document: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_snapshot(document)


def test_prices_refresh_rejects_bad_arguments_before_calling_aws(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("prices", "refresh", "--region", "mars-east-1"))
    assert_one_line_error(run_cli("prices", "refresh", "--out", str(tmp_path / "missing")))
    # and nothing was written into the package's snapshots
    assert json.loads((PRICES_DIR / "us-east-1.json").read_text())["date"] == "2026-06-01"
