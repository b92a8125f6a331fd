"""``plan cost`` on real plans: terraform plans tests/tf/cost (the platform's network, endpoints,
database, cache and ECS modules) against the local AWS emulator, applies it, then plans changes to it.

Every expected figure is a hand calculation: unit prices read from the shipped us-east-1 snapshot,
times the quantities of the plan written out literally, times 730 hours for hourly prices, each
resource rounded to the cent. Runs: 1 init, 5 plans and 1 apply (about 4-5 minutes).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipeline_tools.cost.model import cents, estimate
from pipeline_tools.cost.prices import shipped_snapshot
from pipeline_tools.integrations.terraform import Terraform, terraform_env
from pipeline_tools.local import emulator as emulator_module
from pipeline_tools.local.emulator import Emulator
from tests.conftest import REPO_ROOT, assert_one_line_error, run_cli

pytestmark = [pytest.mark.terraform, pytest.mark.emulator]

ROOT = REPO_ROOT / "tests" / "tf" / "cost"
P = shipped_snapshot("us-east-1").prices
H = Decimal(730)


def hourly(price_key: str, quantity: str | int = 1) -> Decimal:
    return Decimal(quantity) * P[price_key] * H


def monthly(price_key: str, quantity: str | int = 1) -> Decimal:
    return Decimal(quantity) * P[price_key]


# The hand calculation of the created root, resource by resource (quantities from tests/tf/cost).
ONE_TASK = cents(hourly("fargate.linux_x86.vcpu_hour", "0.25") + hourly("fargate.linux_x86.gb_hour", "0.5"))
DB_T3_MICRO = cents(hourly("rds.postgres.single_az.db.t3.micro")
                    + monthly("rds.storage.single_az.gp3.gb_month", 20))
ENDPOINT_2_AZS = cents(hourly("vpc_endpoint.interface.az_hour", 2))
CREATED = {
    "aws_secretsmanager_secret.redis_auth_token": cents(monthly("secretsmanager.secret_month")),
    "module.cache.aws_elasticache_replication_group.this": cents(
        hourly("elasticache.redis.cache.t3.micro", 1)),
    "module.cache.aws_kms_key.this": cents(monthly("kms.key_month")),
    "module.database.aws_db_instance.this": DB_T3_MICRO,
    "module.database.aws_kms_key.this": cents(monthly("kms.key_month")),
    "module.ecs.aws_ecs_service.this": ONE_TASK,
    "module.ecs.aws_kms_key.logs[0]": cents(monthly("kms.key_month")),
    # two private subnets (AZs), unknown until apply: assumed from the plan's two subnet AZs
    'module.endpoints.aws_vpc_endpoint.interface["ecr.api"]': ENDPOINT_2_AZS,
    'module.endpoints.aws_vpc_endpoint.interface["logs"]': ENDPOINT_2_AZS,
    "module.network.aws_eip.nat[0]": cents(hourly("public_ipv4.hour")),
    "module.network.aws_kms_key.flow_logs[0]": cents(monthly("kms.key_month")),
    "module.network.aws_nat_gateway.this[0]": cents(hourly("nat_gateway.hour")),
}


class CostPlans:
    def __init__(self, emulator: Emulator, workdir: Path) -> None:
        self.workdir = workdir
        modules = str(REPO_ROOT / "terraform" / "modules")
        for tf_file in ROOT.glob("*.tf"):
            text = tf_file.read_text(encoding="utf-8").replace("../../../terraform/modules", modules)
            (workdir / tf_file.name).write_text(text, encoding="utf-8")
        self.terraform = Terraform(workdir, env=terraform_env(emulator.env()))
        self.terraform.init(backend=False)

    def plan(self, name: str, *extra: str) -> Path:
        planfile = self.workdir / f"{name}.tfplan"
        self.terraform.plan(planfile, *extra)
        path = self.workdir / f"{name}.json"
        path.write_text(json.dumps(self.terraform.show_json(planfile)), encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    # An emulator of its own, not the session's after a reset: in a parallel run, applying this
    # root on a reset session emulator once failed in moto (RevokeSecurityGroupEgress on the
    # default security group: InvalidPermission.NotFound), depending on what ran before it.
    server = emulator_module.start()
    try:
        world = CostPlans(server, tmp_path_factory.mktemp("cost"))
        created = world.plan("create")
        world.terraform.apply(world.workdir / "create.tfplan")
        yield {
            "create": created,
            "class": world.plan("class", "-var=db_instance_class=db.t3.small"),
            "tasks": world.plan("tasks", "-var=min_tasks=2"),
            "nat": world.plan("nat", "-var=single_nat_gateway=false"),
            "destroy": world.plan("destroy", "-destroy"),
        }
        shutil.rmtree(world.workdir, ignore_errors=True)
    finally:
        server.stop()


def cost_json(path: Path, *extra: str) -> dict[str, Any]:
    result = run_cli("plan", "cost", str(path), "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def by_address(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["address"]: r for r in report["resources"]}


def test_created_root_costs_the_hand_calculation_to_the_cent(plans: dict[str, Path]) -> None:
    report = cost_json(plans["create"])
    resources = by_address(report)
    assert {a: Decimal(r["monthly_after"]) for a, r in resources.items()} == CREATED
    assert report["monthly"] == {"before": "0.00", "after": f"{sum(CREATED.values()):.2f}",
                                 "delta": f"{sum(CREATED.values()):.2f}"}
    assert report["currency"] == "USD"
    assert report["prices"]["region"] == "us-east-1" and report["prices"]["date"]
    assert "0.25 vCPU" in resources["module.ecs.aws_ecs_service.this"]["basis"]


def test_unknown_quantities_and_unpriced_types_are_reported_never_zero(plans: dict[str, Path]) -> None:
    report = cost_json(plans["create"])
    flagged = {item["address"] for item in report["assumptions"]}
    assert 'module.endpoints.aws_vpc_endpoint.interface["logs"]' in flagged
    assert {"address": "aws_ebs_volume.scratch", "type": "aws_ebs_volume",
            "reason": "no pricing rule for aws_ebs_volume"} in report["not_priced"]
    assert "aws_ebs_volume.scratch" not in by_address(report)
    usage = {item["address"]: item["assumption"] for item in report["usage"]}
    assert "per GB" in usage["module.network.aws_nat_gateway.this[0]"]
    assert "module.ecs.aws_cloudwatch_log_group.app" in usage
    # No price in the eu-west-1 snapshot for RDS and ElastiCache: listed, left out of the total.
    ireland = cost_json(plans["create"], "--region", "eu-west-1")
    unpriced = {item["address"] for item in ireland["not_priced"]}
    assert {"module.database.aws_db_instance.this",
            "module.cache.aws_elasticache_replication_group.this"} <= unpriced
    assert "module.database.aws_db_instance.this" not in by_address(ireland)


def test_doubling_the_database_class_costs_the_unit_price_difference(plans: dict[str, Path]) -> None:
    report = cost_json(plans["class"])
    expected = cents(hourly("rds.postgres.single_az.db.t3.small")
                     - hourly("rds.postgres.single_az.db.t3.micro"))
    assert Decimal(report["monthly"]["delta"]) == expected == Decimal("13.14")
    changed = [r for r in report["resources"] if r["monthly_delta"] != "0.00"]
    assert [r["address"] for r in changed] == ["module.database.aws_db_instance.this"]
    # the class is a sensitive value in tests/tf/cost: priced, never printed
    basis = by_address(report)["module.database.aws_db_instance.this"]["basis"]
    assert "(sensitive) postgres single-az" in basis
    for fmt in ("json", "markdown", "text"):
        printed = run_cli("plan", "cost", str(plans["class"]), "--format", fmt).stdout
        assert "db.t3.small" not in printed and "db.t3.micro" not in printed
    # after the apply the endpoint subnets are known: nothing is assumed any more
    assert report["assumptions"] == []
    assert Decimal(report["monthly"]["before"]) == sum(CREATED.values())


def test_doubling_the_service_tasks_costs_one_more_task(plans: dict[str, Path]) -> None:
    report = cost_json(plans["tasks"])
    two_tasks = cents(hourly("fargate.linux_x86.vcpu_hour", "0.5") + hourly("fargate.linux_x86.gb_hour", "1"))
    assert Decimal(report["monthly"]["delta"]) == two_tasks - ONE_TASK
    service = by_address(report)["module.ecs.aws_ecs_service.this"]
    assert (service["monthly_before"], service["monthly_after"]) == (f"{ONE_TASK:.2f}", f"{two_tasks:.2f}")
    assert "autoscaling minimum" in service["basis"]


def test_adding_a_nat_gateway_costs_its_hours_and_its_public_address(plans: dict[str, Path]) -> None:
    report = cost_json(plans["nat"])
    expected = cents(hourly("nat_gateway.hour")) + cents(hourly("public_ipv4.hour"))
    assert Decimal(report["monthly"]["delta"]) == expected
    added = {r["address"] for r in report["resources"] if r["actions"] == ["create"]}
    assert added == {"module.network.aws_nat_gateway.this[1]", "module.network.aws_eip.nat[1]"}


def test_destroy_plan_delta_is_minus_the_before_total(plans: dict[str, Path]) -> None:
    report = cost_json(plans["destroy"])
    assert report["monthly"]["after"] == "0.00"
    assert Decimal(report["monthly"]["before"]) == sum(CREATED.values())
    assert Decimal(report["monthly"]["delta"]) == -Decimal(report["monthly"]["before"])


def test_markdown_and_text_show_the_totals_and_changes(plans: dict[str, Path]) -> None:
    markdown = run_cli("plan", "cost", str(plans["class"]), "--env", "dev").stdout
    assert "#### Monthly cost (`dev`)" in markdown
    assert "| `module.database.aws_db_instance.this` | $15.44 | $28.58 | +$13.14 |" in markdown
    text = run_cli("plan", "cost", str(plans["class"]), "--format", "text").stdout
    assert "module.database.aws_db_instance.this: $15.44 -> $28.58 (+$13.14)" in text


def test_the_model_and_the_cli_agree(plans: dict[str, Path]) -> None:
    plan = json.loads(plans["tasks"].read_text())
    report = estimate(plan, shipped_snapshot("us-east-1"))
    assert f"{report.monthly_delta:.2f}" == cost_json(plans["tasks"])["monthly"]["delta"]


def test_bad_prices_file_is_a_one_line_error(plans: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "prices.json"
    bad.write_text('{"format": 1, "region": "us-east-1", "currency": "USD", "date": "2026-06-01", '
                   '"source": "x", "prices": {"nat_gateway.hour": 0.045}}')
    assert_one_line_error(run_cli("plan", "cost", str(plans["create"]), "--prices", str(bad)))
    assert_one_line_error(run_cli("plan", "cost", str(plans["create"]), "--region", "mars-east-1"))


def test_the_pr_comment_shows_each_environments_cost(plans: dict[str, Path], tmp_path: Path) -> None:
    costs = {}
    for env, plan in (("dev", plans["class"]), ("prod", plans["tasks"])):
        costs[env] = tmp_path / f"{env}-cost.json"
        costs[env].write_text(run_cli("plan", "cost", str(plan), "--format", "json").stdout)
    sha = "0123456789abcdef0123456789abcdef01234567"
    result = run_cli("plan", "comment", "--dry-run", "--repo", "acme/infra", "--pr", "7", "--sha", sha,
                     "--env", "dev", str(plans["class"]), "--env", "prod", str(plans["tasks"]),
                     "--cost", "dev", str(costs["dev"]), "--cost", "prod", str(costs["prod"]))
    assert result.returncode == 0, result.stderr
    body = result.stdout
    header = next(line for line in body.splitlines() if line.startswith("| Environment |"))
    assert header.endswith("| Monthly cost |")
    rows = {line.split("`")[1]: line for line in body.splitlines()
            if line.startswith(("| `dev` |", "| `prod` |"))}
    dev_after = sum(CREATED.values()) + Decimal("13.14")
    assert rows["dev"].endswith(f"| ${dev_after:.2f} (+$13.14) |")
    two_tasks = cents(hourly("fargate.linux_x86.vcpu_hour", "0.5") + hourly("fargate.linux_x86.gb_hour", 1))
    one_more_task = f"{two_tasks - ONE_TASK:.2f}"
    assert rows["prod"].endswith(f"(+${one_more_task}) |")
    dev_section = body[body.index("Terraform plan for `dev`"):body.index("Terraform plan for `prod`")]
    assert "| `module.database.aws_db_instance.this` | $15.44 | $28.58 | +$13.14 |" in dev_section
    prod_section = body[body.index("Terraform plan for `prod`"):]
    assert "| `module.ecs.aws_ecs_service.this` |" in prod_section

    assert_one_line_error(run_cli("plan", "comment", "--dry-run", "--repo", "acme/infra", "--pr", "7",
                                  "--env", "dev", str(plans["class"]), "--cost", "prod", str(costs["prod"])))
    not_cost = tmp_path / "not-cost.json"
    not_cost.write_text('{"monthly": "cheap"}')
    assert_one_line_error(run_cli("plan", "comment", "--dry-run", "--repo", "acme/infra", "--pr", "7",
                                  "--env", "dev", str(plans["class"]), "--cost", "dev", str(not_cost)))


def test_check_policy_stops_an_increase_above_the_limit_without_label_or_approval(
        plans: dict[str, Path], tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("cost:\n  label: cost-approved\n  approvers: [carol]\n"
                      "  environments:\n    dev: {max_monthly_increase: '10.00'}\n")
    check = ("plan", "cost", str(plans["class"]), "--format", "json", "--env", "dev", "--check-policy",
             "--policy", str(policy))
    refused = run_cli(*check)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["monthly"]["delta"] == "13.14"  # the report is still printed
    assert refused.stderr.startswith("error: cost policy: dev: monthly cost increases by 13.14, above the "
                                     "limit of 10.00; it needs the label 'cost-approved' or an approval")
    assert run_cli(*check, "--label", "cost-approved").returncode == 0
    assert run_cli(*check, "--approved-by", "carol").returncode == 0
    assert run_cli(*check, "--approved-by", "mallory").returncode == 1
    # a decrease (destroy) is always within the limit
    assert run_cli("plan", "cost", str(plans["destroy"]), "--env", "dev", "--check-policy",
                   "--policy", str(policy)).returncode == 0
    no_env = run_cli("plan", "cost", str(plans["class"]), "--check-policy", "--policy", str(policy))
    assert_one_line_error(no_env)
