"""The shipped price snapshots, and the seed figures docs/cost.md compares them with."""

from __future__ import annotations

import json
import re
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


# Every instance class and node type the repository's Terraform names (environments' tfvars, module
# defaults), found textually so a new one anywhere is caught.
CLASS = re.compile(r"\b(db|cache)\.[a-z][a-z0-9-]*\.[a-z0-9]+\b")


def classes_in_use() -> set[str]:
    found = set()
    for folder in ("environments", "terraform"):
        for path in (REPO_ROOT / folder).rglob("*"):
            if path.suffix in (".tf", ".tfvars") and ".terraform" not in path.parts:
                found |= {m.group(0) for m in CLASS.finditer(path.read_text(encoding="utf-8"))}
    return found


def test_every_class_the_environments_use_is_priced_in_every_shipped_region() -> None:
    classes = classes_in_use()
    assert {"db.r6g.large", "cache.r7g.large", "db.t4g.micro", "cache.t4g.micro"} <= classes
    for region in supported_regions():
        prices = shipped_snapshot(region).prices
        # The database module is PostgreSQL on gp3 storage, the cache module Redis (docs/cost.md).
        wanted = {f"rds.postgres.{deployment}.{klass}" for klass in classes if klass.startswith("db.")
                  for deployment in ("single_az", "multi_az")}
        wanted |= {f"rds.storage.{deployment}.gp3.gb_month" for deployment in ("single_az", "multi_az")}
        wanted |= {f"elasticache.redis.{klass}" for klass in classes if klass.startswith("cache.")}
        assert sorted(wanted - set(prices)) == [], region
        # and each is something `prices refresh` can replace
        from pipeline_tools.cost.refresh import QUERIES

        assert sorted(key for key in wanted if key not in QUERIES and ".storage." not in key) == []


def test_the_eu_west_1_database_prices_are_only_the_hand_entered_ones_and_say_so() -> None:
    snapshot = shipped_snapshot("eu-west-1")
    database = {key for key in snapshot.prices if key.startswith(("rds.", "elasticache.", "efs."))}
    assert {key.split(".", 3)[-1] for key in database if key.startswith("rds.postgres.")} == {
        "db.t4g.micro", "db.t4g.small", "db.r6g.large"}
    assert not [key for key in database if key.startswith(("rds.mysql.", "efs."))]
    assert "APPROXIMATE, not verified for this region" in snapshot.source
    for klass in ("db.r6g.large", "cache.r7g.large", "cache.t4g.small"):
        assert klass in snapshot.source
    assert "db.r6g.large" in shipped_snapshot("us-east-1").source  # hand-entered there too, and named


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


def test_the_production_classes_figures_in_the_docs_are_what_the_snapshot_gives() -> None:
    p = shipped_snapshot("us-east-1").prices
    database = cents(p["rds.postgres.multi_az.db.r6g.large"] * H)
    storage = cents(100 * p["rds.storage.multi_az.gp3.gb_month"])
    node = cents(p["elasticache.redis.cache.r7g.large"] * H)
    assert (database, storage, database + storage, node, 3 * node) == tuple(
        Decimal(v) for v in ("328.50", "23.00", "351.50", "159.87", "479.61"))
    for figure in (database, storage, database + storage, node, 3 * node):
        assert f"${figure}" in DOC
