"""What a plan costs per month, before and after: a pure function of the plan and a price snapshot.

Method (docs/cost.md has the user-facing version):

* Every managed resource instance in ``resource_changes`` (terraform lists unchanged ones too, as
  ``no-op``) has a *before* side (it exists now: every action but ``create``) and an *after* side
  (it exists after the apply: every action but ``delete`` and ``forget``).
* Each side is priced by a rule for its resource type, from the side's attribute values: a list
  of :class:`Charge` (quantity x unit price, per hour or per month). An hourly price is turned
  into a monthly one with :data:`HOURS_PER_MONTH` = 730 hours (365 days x 24 h / 12, AWS's own
  convention in its pricing calculator).
* All arithmetic is :class:`decimal.Decimal`; a side's monthly figure is rounded to the cent
  (half up) once, and the totals are sums of those rounded figures, so the table adds up.
* A type whose price depends on use (requests, GB, LCUs, ...) is listed under ``usage`` with the
  assumption, never folded into the totals. A quantity terraform only knows after the apply is
  priced with a stated assumption (listed under ``assumptions``). A type or an attribute value
  with no price (an instance class missing from the snapshot, an unknown instance class) is
  listed under ``not_priced`` with the reason, and the resource is left out of both totals.
  Types that AWS does not charge for (a VPC, a security group, an IAM role, ...) are counted per
  type under ``no_charge``. Nothing is silently zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pipeline_tools.cost.prices import PriceSnapshot

HOURS_PER_MONTH = Decimal(730)
CENT = Decimal("0.01")
MIB_PER_GIB = Decimal(1024)
FARGATE_FREE_EPHEMERAL_GIB = 20
RDS_PROXY_MIN_VCPUS = 2
GP3_BASELINE_IOPS = 3000
DEFAULT_AZ_COUNT = 2


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half up (how a figure is shown and summed)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Charge:
    """One priced quantity: ``quantity`` ``unit`` at ``unit_price`` per ``per`` ("hour" or "month")."""

    label: str
    quantity: Decimal
    unit: str
    price_key: str
    unit_price: Decimal
    per: str  # "hour" or "month"

    @property
    def monthly(self) -> Decimal:
        hours = HOURS_PER_MONTH if self.per == "hour" else Decimal(1)
        return self.quantity * self.unit_price * hours

    def describe(self) -> str:
        return f"{self.label}: {_num(self.quantity)} {self.unit} x ${_num(self.unit_price)}/{self.per}"


@dataclass
class SideCost:
    """A resource's charges on one side (before or after), or why it cannot be priced."""

    charges: list[Charge] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    not_priced: str | None = None

    @property
    def monthly(self) -> Decimal:
        return cents(sum((c.monthly for c in self.charges), Decimal(0)))

    def basis(self) -> str:
        if self.not_priced:
            return f"not priced: {self.not_priced}"
        return " + ".join(c.describe() for c in self.charges) + (
            f" (x {HOURS_PER_MONTH} h/month for hourly prices)" if any(c.per == "hour" for c in self.charges)
            else "")


@dataclass(frozen=True)
class ResourceCost:
    address: str
    type: str
    actions: tuple[str, ...]
    monthly_before: Decimal
    monthly_after: Decimal
    basis: str
    assumptions: tuple[str, ...] = ()

    @property
    def monthly_delta(self) -> Decimal:
        return self.monthly_after - self.monthly_before


@dataclass(frozen=True)
class UsageItem:
    address: str
    type: str
    assumption: str


@dataclass(frozen=True)
class NotPriced:
    address: str
    type: str
    reason: str


@dataclass(frozen=True)
class CostReport:
    """The monthly cost of one plan (see the module docstring for how it is computed)."""

    snapshot: PriceSnapshot
    resources: tuple[ResourceCost, ...]
    usage: tuple[UsageItem, ...]
    not_priced: tuple[NotPriced, ...]
    no_charge: dict[str, int]

    @property
    def currency(self) -> str:
        return self.snapshot.currency

    @property
    def monthly_before(self) -> Decimal:
        return sum((r.monthly_before for r in self.resources), Decimal("0.00"))

    @property
    def monthly_after(self) -> Decimal:
        return sum((r.monthly_after for r in self.resources), Decimal("0.00"))

    @property
    def monthly_delta(self) -> Decimal:
        return self.monthly_after - self.monthly_before

    @property
    def changed(self) -> tuple[ResourceCost, ...]:
        """Resources whose monthly cost changes, the biggest change first."""
        moved = [r for r in self.resources if r.monthly_delta != 0]
        return tuple(sorted(moved, key=lambda r: (-abs(r.monthly_delta), r.address)))

    @property
    def assumptions(self) -> tuple[tuple[str, str], ...]:
        return tuple((r.address, text) for r in self.resources for text in r.assumptions)


# --------------------------------------------------------------------------------------------
# Reading one side of a resource change
# --------------------------------------------------------------------------------------------


class _Unknown:
    """A value terraform knows only after the apply."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Side:
    """The attribute values of a resource on one side; ``get`` returns UNKNOWN for unknown ones."""

    values: Mapping[str, Any]
    unknown: Mapping[str, Any]
    sensitive: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        if self.unknown.get(key) is True:
            return UNKNOWN
        value = self.values.get(key, default)
        return default if value is None else value

    def shown(self, key: str) -> str:
        """The value as it may be printed: terraform's plan JSON holds sensitive values in clear."""
        return "(sensitive)" if self.sensitive.get(key) is True else str(self.get(key))

    def block(self, key: str) -> dict[str, Any] | None:
        """The first element of a nested block list (``runtime_platform { ... }``), if known."""
        value = self.get(key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
        return None

    def length(self, key: str) -> int | Any:
        """Number of elements of a list/set attribute; UNKNOWN when terraform does not know it."""
        value = self.get(key)
        if value is UNKNOWN:
            return UNKNOWN
        unknown = self.unknown.get(key)
        if isinstance(unknown, list):
            return len(unknown)
        return len(value) if isinstance(value, list) else 0


@dataclass
class _Instance:
    address: str
    type: str
    module: str
    actions: tuple[str, ...]
    before: Side | None
    after: Side | None


def _sensitive_map(value: Any) -> Mapping[str, Any]:
    # terraform writes ``true`` for a wholly sensitive object; then every attribute is sensitive
    if value is True:
        return _AllSensitive()
    return value if isinstance(value, dict) else {}


class _AllSensitive(dict):
    def get(self, key: Any, default: Any = None) -> Any:
        return True


def _instances(plan: Mapping[str, Any]) -> list[_Instance]:
    out = []
    for change in plan.get("resource_changes") or ():
        if change.get("mode", "managed") != "managed":
            continue
        body = change.get("change") or {}
        actions = tuple(body.get("actions") or ())
        before = after = None
        # terraform writes before = null for a create and after = null for a delete; a forgotten
        # resource still exists but is no longer this configuration's to pay for.
        if isinstance(body.get("before"), dict):
            before = Side(body["before"], {}, _sensitive_map(body.get("before_sensitive")))
        if isinstance(body.get("after"), dict) and "forget" not in actions:
            unknown = body.get("after_unknown")
            after = Side(body["after"], unknown if isinstance(unknown, dict) else {},
                         _sensitive_map(body.get("after_sensitive")))
        out.append(_Instance(change.get("address", "?"), change.get("type", "?"),
                             change.get("module_address", ""), actions, before, after))
    return out


# --------------------------------------------------------------------------------------------
# Context: what one resource's price depends on elsewhere in the plan
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    snapshot: PriceSnapshot
    task_definitions: list[_Instance]
    scaling_targets: list[_Instance]
    az_count: int | None

    def price(self, key: str) -> Decimal | None:
        return self.snapshot.get(key)

    def az_assumption(self, what: str) -> tuple[int, str]:
        if self.az_count:
            return self.az_count, (f"{what} unknown until apply: assumed {self.az_count}, the number "
                                   "of availability zones of the subnets in this plan")
        return DEFAULT_AZ_COUNT, (f"{what} unknown until apply: assumed {DEFAULT_AZ_COUNT} "
                                  "(no subnets in this plan to count availability zones from)")


def _context(snapshot: PriceSnapshot, instances: Iterable[_Instance]) -> _Context:
    task_definitions, targets, azs = [], [], set()
    for inst in instances:
        if inst.type == "aws_ecs_task_definition":
            task_definitions.append(inst)
        elif inst.type == "aws_appautoscaling_target":
            targets.append(inst)
        elif inst.type == "aws_subnet" and inst.after is not None:
            zone = inst.after.get("availability_zone")
            if isinstance(zone, str):
                azs.add(zone)
    return _Context(snapshot, task_definitions, targets, len(azs) or None)


# --------------------------------------------------------------------------------------------
# Pricing rules, one per resource type: (instance, side, context) -> SideCost
# --------------------------------------------------------------------------------------------

Rule = Callable[[_Instance, Side, _Context, str], SideCost]


def _charge(cost: SideCost, ctx: _Context, label: str, quantity: Decimal | int, unit: str, key: str,
            per: str) -> bool:
    price = ctx.price(key)
    if price is None:
        cost.not_priced = f"no price for {label} in the {ctx.snapshot.region} snapshot"
        return False
    cost.charges.append(Charge(label, Decimal(quantity), unit, key, price, per))
    return True


def _number(value: Any) -> Decimal | None:
    if value is UNKNOWN or value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _fixed_monthly(key: str, label: str) -> Rule:
    def rule(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
        cost = SideCost()
        _charge(cost, ctx, label, 1, "each", key, "month")
        return cost
    return rule


def _fixed_hourly(key: str, label: str) -> Rule:
    def rule(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
        cost = SideCost()
        _charge(cost, ctx, label, 1, "each", key, "hour")
        return cost
    return rule


def _ecs_service(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    launch_type = side.get("launch_type")
    if launch_type is UNKNOWN:
        launch_type = None  # decided by the capacity provider strategy or the cluster default
    strategy = side.get("capacity_provider_strategy")
    providers = ({item.get("capacity_provider") for item in strategy if isinstance(item, dict)}
                 if isinstance(strategy, list) else set())
    if launch_type == "EC2" or launch_type == "EXTERNAL" or (providers and not providers & {"FARGATE",
                                                                                          "FARGATE_SPOT"}):
        return cost  # runs on EC2/external capacity, which is priced with those instances
    if not launch_type and not providers:
        cost.assumptions.append("no launch type or capacity provider: assumed the cluster's default is "
                                "FARGATE")
    if "FARGATE_SPOT" in providers:
        cost.assumptions.append("priced at on-demand Fargate; tasks placed on FARGATE_SPOT cost less")
    task = _task_definition_for(inst, side, ctx, which)
    if task is None:
        cost.not_priced = "its task definition is not in this plan (cpu and memory unknown)"
        return cost
    cpu, memory = _number(task.get("cpu")), _number(task.get("memory"))
    if cpu is None or memory is None:
        cost.not_priced = "the task definition's cpu or memory is unknown until apply"
        return cost
    count, count_basis = _task_count(inst, side, ctx, which, cost)
    if count is None:
        return cost
    platform = task.block("runtime_platform") or {}
    arch = "linux_arm" if str(platform.get("cpu_architecture") or "").upper() == "ARM64" else "linux_x86"
    vcpu = cpu / MIB_PER_GIB  # task cpu is in CPU units: 1024 = 1 vCPU
    gib = memory / MIB_PER_GIB
    label = f"{count} task(s) ({count_basis})"
    _charge(cost, ctx, f"{label} vCPU", vcpu * count, "vCPU", f"fargate.{arch}.vcpu_hour", "hour")
    _charge(cost, ctx, f"{label} memory", gib * count, "GB", f"fargate.{arch}.gb_hour", "hour")
    storage = task.block("ephemeral_storage") or {}
    extra = (_number(storage.get("size_in_gib")) or Decimal(0)) - FARGATE_FREE_EPHEMERAL_GIB
    if extra > 0:
        _charge(cost, ctx, f"{label} ephemeral storage above 20 GB", extra * count, "GB",
                "fargate.ephemeral_storage.gb_hour", "hour")
    network = side.block("network_configuration") or {}
    if network.get("assign_public_ip") is True:
        _charge(cost, ctx, f"{label} public IPv4", count, "address(es)", "public_ipv4.hour", "hour")
    return cost


def _side_of(inst: _Instance, which: str) -> Side | None:
    return inst.before if which == "before" else inst.after


def _task_definition_for(service: _Instance, side: Side, ctx: _Context, which: str) -> Side | None:
    """The task definition the service runs: the one whose family its known ARN names, else the
    only one declared in the same module instance."""
    arn = side.get("task_definition")
    sides = [(t, _side_of(t, which) or t.before or t.after) for t in ctx.task_definitions]
    if isinstance(arn, str) and "task-definition/" in arn:
        family = arn.rsplit("task-definition/", 1)[1].split(":", 1)[0]
        for _, task_side in sides:
            if task_side is not None and task_side.get("family") == family:
                return task_side
    same_module = [s for t, s in sides if t.module == service.module and s is not None]
    return same_module[0] if len(same_module) == 1 else None


def _task_count(service: _Instance, side: Side, ctx: _Context, which: str,
                cost: SideCost) -> tuple[Decimal | None, str]:
    target = _scaling_target_for(service, side, ctx, which)
    if target is not None:
        minimum = _number(target.get("min_capacity"))
        if minimum is not None:
            return minimum, "autoscaling minimum"
        cost.assumptions.append("autoscaling minimum unknown until apply: priced at desired_count")
    desired = _number(side.get("desired_count"))
    if desired is None:
        if side.get("desired_count") is UNKNOWN:
            cost.assumptions.append("desired_count unknown until apply: assumed 1 task")
            return Decimal(1), "assumed"
        return Decimal(0), "desired_count"
    return desired, "desired_count"


def _scaling_target_for(service: _Instance, side: Side, ctx: _Context, which: str) -> Side | None:
    name = side.get("name")
    same_module = []
    for target in ctx.scaling_targets:
        target_side = _side_of(target, which)
        if target_side is None or target_side.get("service_namespace") != "ecs":
            continue
        resource_id = target_side.get("resource_id")
        if isinstance(resource_id, str):
            parts = resource_id.split("/")
            if len(parts) == 3 and parts[0] == "service" and parts[2] == name:
                cluster = side.get("cluster")
                if not isinstance(cluster, str) or cluster.endswith(parts[1]):
                    return target_side
            continue
        if target.module == service.module:
            same_module.append(target_side)
    return same_module[0] if len(same_module) == 1 else None


def _db_instance(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    engine, klass = side.get("engine"), side.get("instance_class")
    if engine is UNKNOWN or klass is UNKNOWN or not engine or not klass:
        cost.not_priced = "engine or instance_class unknown until apply"
        return cost
    if str(engine).startswith("aurora"):
        cost.not_priced = f"Aurora ({engine}) instances are not in the price snapshot"
        return cost
    multi = side.get("multi_az")
    if multi is UNKNOWN:
        cost.assumptions.append("multi_az unknown until apply: assumed single-AZ")
        multi = False
    deployment = "multi_az" if multi else "single_az"
    shown = f"{side.shown('instance_class')} {side.shown('engine')} {deployment.replace('_', '-')}"
    if not _charge(cost, ctx, shown, 1, "instance",
                   f"rds.{engine}.{deployment}.{klass}", "hour"):
        return cost
    storage_type = side.get("storage_type")
    if storage_type is UNKNOWN or not storage_type:
        cost.assumptions.append("storage_type unknown until apply: assumed gp2 (the RDS default)")
        storage_type = "gp2"
    size = _number(side.get("allocated_storage"))
    if size is None:
        cost.not_priced = "allocated_storage unknown until apply"
        return cost
    known_type = side.get("storage_type") not in (UNKNOWN, None)
    shown_type = side.shown("storage_type") if known_type else storage_type
    if not _charge(cost, ctx, f"{shown_type} storage", size, "GB", f"rds.storage.{deployment}."
                   f"{storage_type}.gb_month", "month"):
        return cost
    iops = _number(side.get("iops")) or Decimal(0)
    billable_iops = iops - GP3_BASELINE_IOPS if storage_type == "gp3" else iops
    if storage_type in ("io1", "io2", "gp3") and billable_iops > 0:
        _charge(cost, ctx, "provisioned IOPS" + (" above the gp3 baseline" if storage_type == "gp3" else ""),
                billable_iops, "IOPS", f"rds.iops.{deployment}.{storage_type}.iops_month", "month")
    return cost


def _db_proxy(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    cost.assumptions.append(f"RDS Proxy is billed per vCPU of its target instances, at least "
                            f"{RDS_PROXY_MIN_VCPUS}: priced at that minimum (db.t3/db.t4g classes up to "
                            "large have 2 vCPUs)")
    _charge(cost, ctx, "proxy", RDS_PROXY_MIN_VCPUS, "vCPU", "rds_proxy.vcpu_hour", "hour")
    return cost


def _elasticache_nodes(side: Side, ctx: _Context, cost: SideCost, nodes: Any) -> SideCost:
    node_type, engine = side.get("node_type"), side.get("engine") or "redis"
    if node_type is UNKNOWN or not node_type:
        cost.not_priced = "node_type unknown until apply"
        return cost
    if engine is UNKNOWN:
        cost.assumptions.append("engine unknown until apply: assumed redis")
        engine = "redis"
    family = "redis" if engine in ("redis", "memcached") else str(engine)  # same per-node price
    _charge(cost, ctx, f"{side.shown('node_type')} {side.shown('engine') if side.get('engine') else engine}",
            nodes, "node(s)", f"elasticache.{family}.{node_type}", "hour")
    return cost


def _elasticache_replication_group(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    clusters = _number(side.get("num_cache_clusters"))
    if clusters is None:
        groups, replicas = _number(side.get("num_node_groups")), _number(side.get("replicas_per_node_group"))
        if groups is None or replicas is None:
            cost.not_priced = "number of nodes unknown until apply"
            return cost
        clusters = groups * (1 + replicas)
    return _elasticache_nodes(side, ctx, cost, clusters)


def _elasticache_cluster(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    if side.get("replication_group_id"):
        return cost  # a member of a replication group, priced with the group
    nodes = _number(side.get("num_cache_nodes"))
    if nodes is None:
        cost.not_priced = "num_cache_nodes unknown until apply"
        return cost
    return _elasticache_nodes(side, ctx, cost, nodes)


def _eip(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    _charge(cost, ctx, "public IPv4 address", 1, "address", "public_ipv4.hour", "hour")
    return cost


def _lb(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    kind = side.get("load_balancer_type") or "application"
    if kind is UNKNOWN:
        cost.assumptions.append("load_balancer_type unknown until apply: assumed application")
        kind = "application"
    shown = side.shown("load_balancer_type") if side.get("load_balancer_type") else kind
    if not _charge(cost, ctx, f"{shown} load balancer", 1, "each", f"elb.{kind}.hour", "hour"):
        return cost
    if kind in ("application", "network") and side.get("internal") is not True:
        subnets = side.length("subnets")
        if subnets is UNKNOWN or subnets == 0:
            mappings = side.length("subnet_mapping")
            subnets = mappings if mappings not in (UNKNOWN, 0) else UNKNOWN
        if subnets is UNKNOWN:
            subnets, text = ctx.az_assumption("number of subnets (one public IPv4 address per AZ)")
            cost.assumptions.append(text)
        _charge(cost, ctx, "public IPv4 addresses (one per subnet, the minimum; more as it scales)",
                subnets, "address(es)", "public_ipv4.hour", "hour")
    return cost


def _vpc_endpoint(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    kind = side.get("vpc_endpoint_type") or "Gateway"
    if kind == "Gateway":
        return cost
    if kind != "Interface":
        cost.not_priced = f"{kind} endpoints are not in the price snapshot"
        return cost
    subnets = side.length("subnet_ids")
    if subnets is UNKNOWN:
        subnets, text = ctx.az_assumption("number of subnets (AZs) of the endpoint")
        cost.assumptions.append(text)
    _charge(cost, ctx, "interface endpoint", subnets, "AZ(s)", "vpc_endpoint.interface.az_hour", "hour")
    return cost


def _alarm(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    queries = side.get("metric_query")
    metrics: Any = 1
    if isinstance(queries, list) and queries:
        metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    period = _number(side.get("period"))
    high_res = period is not None and period < 60
    key = "cloudwatch.alarm_high_resolution_month" if high_res else "cloudwatch.alarm_standard_month"
    _charge(cost, ctx, ("high-resolution" if high_res else "standard") + " alarm metric(s)", metrics,
            "metric(s)", key, "month")
    return cost


def _waf_acl(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    _charge(cost, ctx, "web ACL", 1, "each", "waf.web_acl_month", "month")
    rules = side.length("rule")
    if rules is UNKNOWN:
        cost.not_priced = "number of rules unknown until apply"
        return cost
    if rules:
        _charge(cost, ctx, "rules", rules, "rule(s)", "waf.rule_month", "month")
    return cost


def _efs(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    if side.get("throughput_mode") == "provisioned":
        mibps = _number(side.get("provisioned_throughput_in_mibps"))
        if mibps is None:
            cost.not_priced = "provisioned throughput unknown until apply"
            return cost
        _charge(cost, ctx, "provisioned throughput", mibps, "MiB/s", "efs.provisioned_throughput.mibps_month",
                "month")
    return cost


def _ssm_parameter(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    if side.get("tier") == "Advanced":
        _charge(cost, ctx, "advanced parameter", 1, "each", "ssm.advanced_parameter_month", "month")
    return cost


def _dynamodb(inst: _Instance, side: Side, ctx: _Context, which: str) -> SideCost:
    cost = SideCost()
    if side.get("billing_mode") == "PROVISIONED":
        cost.not_priced = "provisioned read/write capacity is not in the price snapshot"
    return cost


RULES: dict[str, Rule] = {
    "aws_ecs_service": _ecs_service,
    "aws_db_instance": _db_instance,
    "aws_db_proxy": _db_proxy,
    "aws_elasticache_replication_group": _elasticache_replication_group,
    "aws_elasticache_cluster": _elasticache_cluster,
    "aws_nat_gateway": _fixed_hourly("nat_gateway.hour", "NAT gateway"),
    "aws_eip": _eip,
    "aws_lb": _lb,
    "aws_alb": _lb,
    "aws_vpc_endpoint": _vpc_endpoint,
    "aws_kms_key": _fixed_monthly("kms.key_month", "customer managed key (API requests and the first "
                                                     "two rotations, $1/month each, not included)"),
    "aws_secretsmanager_secret": _fixed_monthly("secretsmanager.secret_month", "secret"),
    "aws_route53_zone": _fixed_monthly("route53.zone_month", "hosted zone"),
    "aws_route53_health_check": _fixed_monthly("route53.health_check_month",
                                               "health check (basic, non-AWS endpoint)"),
    "aws_cloudwatch_metric_alarm": _alarm,
    "aws_cloudwatch_dashboard": _fixed_monthly("cloudwatch.dashboard_month", "dashboard"),
    "aws_wafv2_web_acl": _waf_acl,
    "aws_efs_file_system": _efs,
    "aws_ssm_parameter": _ssm_parameter,
    "aws_dynamodb_table": _dynamodb,
}

# Priced by use: listed with what drives the cost, never in the totals. A type may also have a rule
# above (a NAT gateway's hours are priced, the GB it processes are usage).
USAGE: dict[str, str] = {
    "aws_nat_gateway": "plus data processed, per GB (nat_gateway.data_gb); not in the total",
    "aws_lb": "plus load balancer capacity units (LCU-hours, elb.lcu_hour) by traffic; not in the total",
    "aws_alb": "plus load balancer capacity units (LCU-hours, elb.lcu_hour) by traffic; not in the total",
    "aws_vpc_endpoint": "plus data processed, per GB (vpc_endpoint.interface.data_gb); not in the total",
    "aws_wafv2_web_acl": "plus requests inspected, per million (waf.million_requests); not in the total",
    "aws_route53_zone": "plus DNS queries, per million (alias queries to AWS resources are free); "
                        "not in the total",
    "aws_efs_file_system": "storage by GB-month stored (efs.standard.gb_month) and access charges; "
                           "not in the total",
    "aws_cloudfront_distribution": "requests and data transfer out by volume; not in the total",
    "aws_s3_bucket": "storage (GB-month), requests and data transfer by volume; not in the total",
    "aws_lambda_function": "requests and GB-seconds of compute by invocations; not in the total",
    "aws_sqs_queue": "requests, per million (first million a month free); not in the total",
    "aws_sns_topic": "requests and deliveries, per million; not in the total",
    "aws_cloudtrail": "the first copy of management events is free; further copies and data events "
                      "per 100,000 events; not in the total",
    "aws_guardduty_detector": "events and data analysed (CloudTrail, VPC flow logs, DNS logs) by "
                              "volume; not in the total",
    "aws_cloudwatch_log_group": "log data ingested and stored, per GB; not in the total",
    "aws_flow_log": "log data delivered to its destination, per GB; not in the total",
    "aws_dynamodb_table": "on-demand: read and write request units and storage; not in the total",
    "aws_ecr_repository": "image storage, per GB-month; not in the total",
    "aws_cognito_user_pool": "monthly active users above the free tier; not in the total",
    "aws_cloudwatch_event_rule": "custom and cross-account events, per million (AWS service events are "
                                 "free); not in the total",
    "aws_backup_plan": "backup storage (GB-month) and restores by volume; not in the total",
    "aws_backup_vault": "backup storage in the vault (GB-month); not in the total",
    "aws_config_configuration_recorder": "configuration items recorded, each; not in the total",
    "aws_config_config_rule": "rule evaluations, each; not in the total",
    "aws_config_conformance_pack": "conformance pack evaluations, each; not in the total",
    "aws_sfn_state_machine": "state transitions; not in the total",
    "aws_apigatewayv2_api": "requests, per million; not in the total",
    "aws_api_gateway_rest_api": "requests, per million; not in the total",
    "aws_kinesis_firehose_delivery_stream": "data ingested, per GB; not in the total",
}

# AWS does not charge for these (or charges through another resource that is priced or usage).
NO_CHARGE = frozenset({
    "aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_route_table_association",
    "aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_security_group",
    "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
    "aws_default_security_group", "aws_default_network_acl", "aws_default_route_table", "aws_network_acl",
    "aws_vpc_dhcp_options", "aws_vpc_dhcp_options_association", "aws_main_route_table_association",
    "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy",
    "aws_iam_policy_attachment", "aws_iam_user", "aws_iam_user_policy", "aws_iam_group",
    "aws_iam_instance_profile", "aws_iam_openid_connect_provider", "aws_iam_service_linked_role",
    "aws_kms_alias", "aws_kms_grant", "aws_kms_key_policy",
    "aws_ecs_cluster", "aws_ecs_cluster_capacity_providers", "aws_ecs_task_definition",
    "aws_db_subnet_group", "aws_db_parameter_group", "aws_db_option_group", "aws_db_proxy_target",
    "aws_db_proxy_default_target_group", "aws_db_proxy_endpoint", "aws_elasticache_subnet_group",
    "aws_elasticache_parameter_group", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group",
    "aws_lb_target_group_attachment", "aws_lb_listener_certificate", "aws_alb_listener",
    "aws_alb_target_group", "aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record",
    "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block", "aws_s3_bucket_policy", "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_notification",
    "aws_s3_bucket_acl", "aws_s3_bucket_cors_configuration", "aws_s3_object",
    "aws_sqs_queue_policy", "aws_sqs_queue_redrive_policy", "aws_sqs_queue_redrive_allow_policy",
    "aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_cloudwatch_event_target",
    "aws_lambda_permission", "aws_lambda_event_source_mapping", "aws_lambda_function_event_invoke_config",
    "aws_lambda_alias", "aws_appautoscaling_target", "aws_appautoscaling_policy",
    "aws_appautoscaling_scheduled_action", "aws_secretsmanager_secret_version",
    "aws_secretsmanager_secret_rotation", "aws_secretsmanager_secret_policy",
    "aws_wafv2_web_acl_association", "aws_wafv2_web_acl_logging_configuration",
    "aws_cloudfront_origin_access_identity", "aws_cloudfront_origin_access_control",
    "aws_cloudfront_cache_policy", "aws_cloudfront_response_headers_policy",
    "aws_cloudfront_origin_request_policy", "aws_ecr_repository_policy", "aws_ecr_lifecycle_policy",
    "aws_cognito_user_pool_client", "aws_cognito_user_pool_domain", "aws_cognito_identity_provider",
    "aws_backup_selection", "aws_backup_vault_policy", "aws_config_delivery_channel",
    "aws_config_configuration_recorder_status", "aws_guardduty_detector_feature",
    "aws_cloudwatch_log_resource_policy", "aws_cloudwatch_log_subscription_filter",
    "aws_efs_mount_target", "aws_efs_access_point", "aws_efs_backup_policy", "aws_efs_file_system_policy",
})


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def estimate(plan: Mapping[str, Any], snapshot: PriceSnapshot) -> CostReport:
    """The monthly cost report of ``plan`` (the parsed ``terraform show -json`` output)."""
    instances = _instances(plan)
    ctx = _context(snapshot, instances)
    resources: list[ResourceCost] = []
    usage: list[UsageItem] = []
    not_priced: list[NotPriced] = []
    no_charge: Counter[str] = Counter()
    for inst in instances:
        if inst.before is None and inst.after is None:
            continue
        if inst.type in USAGE and not _gateway_endpoint(inst):
            usage.append(UsageItem(inst.address, inst.type, USAGE[inst.type]))
        rule = RULES.get(inst.type)
        if rule is None:
            if inst.type in USAGE:
                continue
            if inst.type in NO_CHARGE or not inst.type.startswith("aws_"):
                no_charge[inst.type] += 1
            else:
                not_priced.append(NotPriced(inst.address, inst.type,
                                            f"no pricing rule for {inst.type}"))
            continue
        before = rule(inst, inst.before, ctx, "before") if inst.before is not None else None
        after = rule(inst, inst.after, ctx, "after") if inst.after is not None else None
        sides = [s for s in (before, after) if s is not None]
        reason = next((s.not_priced for s in sides if s.not_priced), None)
        if reason is not None:
            not_priced.append(NotPriced(inst.address, inst.type, reason))
            continue
        if not any(s.charges for s in sides):
            if inst.type not in USAGE:
                no_charge[inst.type] += 1
            continue
        assumptions = tuple(dict.fromkeys(text for s in sides for text in s.assumptions))
        resources.append(ResourceCost(
            address=inst.address, type=inst.type, actions=inst.actions,
            monthly_before=before.monthly if before is not None else Decimal("0.00"),
            monthly_after=after.monthly if after is not None else Decimal("0.00"),
            basis=_basis(before, after), assumptions=assumptions))
    return CostReport(snapshot=snapshot, resources=tuple(resources), usage=tuple(usage),
                      not_priced=tuple(not_priced), no_charge=dict(sorted(no_charge.items())))


def _gateway_endpoint(inst: _Instance) -> bool:
    """Gateway endpoints (S3, DynamoDB) cost nothing, not even per GB."""
    side = inst.after or inst.before
    return inst.type == "aws_vpc_endpoint" and side is not None and side.get("vpc_endpoint_type") == "Gateway"


def _basis(before: SideCost | None, after: SideCost | None) -> str:
    if before is None and after is not None:
        return after.basis()
    if after is None and before is not None:
        return before.basis()
    assert before is not None and after is not None
    if before.basis() == after.basis():
        return after.basis()
    return f"before: {before.basis()}; after: {after.basis()}"


def _num(value: Decimal) -> str:
    """A quantity or unit price without exponent or trailing zeros (0.25, 0.04048, 2)."""
    text = format(value.normalize(), "f")
    return text
