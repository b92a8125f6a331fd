"""Rebuilding a price snapshot from the AWS Price List Query API (``pricing:GetProducts``).

Each snapshot key has a :class:`PriceQuery`: a service code and filters that select exactly one
product in the region. The product's on-demand term gives the price: the USD ``pricePerUnit`` of
its first tier (``beginRange`` "0"). Usage types carry a region prefix (``USE1-NatGateway-Hours``),
see :data:`USAGE_TYPE_PREFIX`.

A key the API does not answer for (no product, or several products with different prices) keeps
the previous snapshot's value and is named in the result's ``carried_over`` and in the snapshot's
source, so nobody mistakes it for a refreshed one. The client is passed in (boto3
``client("pricing", region_name="us-east-1")``): this module does no I/O of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.cost.prices import PriceSnapshot

# The Price List API's usage-type prefix of each region (AWS's billing region codes).
USAGE_TYPE_PREFIX = {
    "us-east-1": "USE1", "us-east-2": "USE2", "us-west-1": "USW1", "us-west-2": "USW2",
    "eu-west-1": "EU", "eu-west-2": "EUW2", "eu-west-3": "EUW3", "eu-central-1": "EUC1",
    "eu-north-1": "EUN1", "ap-southeast-1": "APS1", "ap-southeast-2": "APS2", "ap-northeast-1": "APN1",
    "ca-central-1": "CAN1",
}
# The region the AWS pricing endpoint lives in (it also serves eu-central-1 and ap-south-1).
PRICING_API_REGION = "us-east-1"


@dataclass(frozen=True)
class PriceQuery:
    """``GetProducts`` arguments selecting one product; ``{prefix}`` and ``{region}`` are filled in."""

    service_code: str
    filters: tuple[tuple[str, str], ...]  # (field, value), all TERM_MATCH
    regional: bool = True  # False: a global product (Route 53), no regionCode filter

    def request(self, region: str) -> dict[str, Any]:
        prefix = USAGE_TYPE_PREFIX.get(region, "")
        filters = [{"Type": "TERM_MATCH", "Field": f, "Value": v.format(prefix=prefix, region=region)}
                   for f, v in self.filters]
        if self.regional:
            filters.insert(0, {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region})
        return {"ServiceCode": self.service_code, "Filters": filters, "FormatVersion": "aws_v1"}


def _usage(service: str, usage_type: str, **extra: str) -> PriceQuery:
    return PriceQuery(service, (("usagetype", "{prefix}-" + usage_type), *extra.items()))


def _rds(engine: str, deployment: str, klass: str) -> PriceQuery:
    return PriceQuery("AmazonRDS", (("productFamily", "Database Instance"), ("instanceType", klass),
                                    ("databaseEngine", engine), ("deploymentOption", deployment)))


def _queries() -> dict[str, PriceQuery]:
    queries: dict[str, PriceQuery] = {
        "fargate.linux_x86.vcpu_hour": _usage("AmazonECS", "Fargate-vCPU-Hours:perCPU"),
        "fargate.linux_x86.gb_hour": _usage("AmazonECS", "Fargate-GB-Hours"),
        "fargate.linux_arm.vcpu_hour": _usage("AmazonECS", "Fargate-ARM-vCPU-Hours:perCPU"),
        "fargate.linux_arm.gb_hour": _usage("AmazonECS", "Fargate-ARM-GB-Hours"),
        "fargate.ephemeral_storage.gb_hour": _usage("AmazonECS", "Fargate-EphemeralStorage-GB-Hours"),
        "nat_gateway.hour": _usage("AmazonEC2", "NatGateway-Hours"),
        "nat_gateway.data_gb": _usage("AmazonEC2", "NatGateway-Bytes"),
        "public_ipv4.hour": _usage("AmazonVPC", "PublicIPv4:InUseAddress"),
        "elb.application.hour": _usage("AWSELB", "LoadBalancerUsage",
                                       productFamily="Load Balancer-Application"),
        "elb.network.hour": _usage("AWSELB", "LoadBalancerUsage", productFamily="Load Balancer-Network"),
        "elb.gateway.hour": _usage("AWSELB", "LoadBalancerUsage", productFamily="Load Balancer-Gateway"),
        "elb.lcu_hour": _usage("AWSELB", "LCUUsage", productFamily="Load Balancer-Application"),
        "vpc_endpoint.interface.az_hour": _usage("AmazonVPC", "VpcEndpoint-Hours"),
        "vpc_endpoint.interface.data_gb": _usage("AmazonVPC", "VpcEndpoint-Bytes"),
        "kms.key_month": _usage("awskms", "KMS-Keys"),
        "secretsmanager.secret_month": _usage("AWSSecretsManager", "AWSSecretsManager-Secrets"),
        "cloudwatch.alarm_standard_month": _usage("AmazonCloudWatch", "CW:AlarmMonitorUsage"),
        "cloudwatch.alarm_high_resolution_month": _usage("AmazonCloudWatch", "CW:HighResAlarmMonitorUsage"),
        "waf.web_acl_month": _usage("awswaf", "WebACLV2"),
        "waf.rule_month": _usage("awswaf", "RuleV2"),
        "waf.million_requests": _usage("awswaf", "RequestV2-Tier1"),
        "efs.standard.gb_month": _usage("AmazonEFS", "TimedStorage-ByteHrs"),
        "route53.zone_month": PriceQuery("AmazonRoute53", (("usagetype", "HostedZone"),), regional=False),
    }
    engines = {"postgres": "PostgreSQL", "mysql": "MySQL"}
    classes = ("db.t3.micro", "db.t3.small", "db.t3.medium", "db.t4g.micro", "db.t4g.small", "db.t4g.medium")
    for engine, name in engines.items():
        for deployment, option in (("single_az", "Single-AZ"), ("multi_az", "Multi-AZ")):
            for klass in classes:
                queries[f"rds.{engine}.{deployment}.{klass}"] = _rds(name, option, klass)
    for node in ("cache.t3.micro", "cache.t3.small", "cache.t3.medium", "cache.t4g.micro", "cache.t4g.small",
                 "cache.t4g.medium"):
        queries[f"elasticache.redis.{node}"] = PriceQuery(
            "AmazonElastiCache", (("productFamily", "Cache Instance"), ("instanceType", node),
                                  ("cacheEngine", "Redis")))
    return queries


QUERIES = _queries()


@dataclass
class RefreshResult:
    snapshot: PriceSnapshot
    refreshed: list[str] = field(default_factory=list)
    carried_over: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def on_demand_price(item: Mapping[str, Any] | str) -> Decimal | None:
    """The USD price of the first tier of a Price List product's on-demand term, or None."""
    product = json.loads(item) if isinstance(item, str) else item
    terms = (product.get("terms") or {}).get("OnDemand") or {}
    prices = []
    for term in terms.values():
        for dimension in (term.get("priceDimensions") or {}).values():
            if str(dimension.get("beginRange", "0")) != "0":
                continue
            usd = (dimension.get("pricePerUnit") or {}).get("USD")
            try:
                prices.append(Decimal(str(usd)))
            except (InvalidOperation, TypeError):
                continue
    distinct = set(prices)
    return distinct.pop() if len(distinct) == 1 else None


def fetch_price(client: Any, query: PriceQuery, region: str) -> tuple[Decimal | None, str | None]:
    """Run one query (all pages); the price, or None and why not."""
    from botocore.exceptions import BotoCoreError, ClientError

    request = query.request(region)
    found: set[Decimal] = set()
    products = 0
    token: str | None = None
    while True:
        try:
            response = client.get_products(**request, **({"NextToken": token} if token else {}))
        except (BotoCoreError, ClientError) as exc:
            raise ExternalError(f"pricing GetProducts ({query.service_code}) failed: {exc}") from None
        for item in response.get("PriceList") or ():
            products += 1
            price = on_demand_price(item)
            if price is not None:
                found.add(price)
        token = response.get("NextToken")
        if not token:
            break
    if len(found) == 1:
        return found.pop(), None
    if not found:
        return None, f"no on-demand product ({products} products matched)"
    return None, f"{len(found)} different prices among {products} products"


def refresh_snapshot(client: Any, region: str, previous: PriceSnapshot | None, *, date: str,
                     keys: Iterable[str] | None = None) -> RefreshResult:
    """A new snapshot of ``region`` from the Price List API, dated ``date`` (YYYY-MM-DD).

    ``keys`` limits the queries (default: every key with a query); keys of ``previous`` without a
    query or without an answer are carried over and named.
    """
    wanted = list(keys) if keys is not None else list(QUERIES)
    prices: dict[str, Decimal] = {}
    result_refreshed, problems = [], {}
    for key in wanted:
        query = QUERIES.get(key)
        if query is None:
            problems[key] = "no Price List query for this key"
            continue
        price, problem = fetch_price(client, query, region)
        if price is None:
            problems[key] = problem or "no price"
            continue
        prices[key] = price
        result_refreshed.append(key)
    carried = []
    for key, value in sorted((previous.prices if previous else {}).items()):
        if key not in prices:
            prices[key] = value
            carried.append(key)
    source = f"AWS Price List Query API (pricing:GetProducts), on-demand prices fetched {date}"
    if carried:
        source += (f"; {len(carried)} prices carried over from the previous snapshot "
                   f"({previous.date if previous else '?'}): {', '.join(carried)}")
    snapshot = PriceSnapshot(region=region, currency="USD", date=date, source=source, prices=prices)
    return RefreshResult(snapshot, result_refreshed, carried, problems)
