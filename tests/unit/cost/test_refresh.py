"""``prices refresh`` against Price List API responses (tests/fixtures/pricing/README.md).

The responses are hand-written in the exact shape of ``pricing:GetProducts`` responses, not
recorded live (no network here, and moto has no ``pricing`` service), so the boto3 client is driven
by botocore's Stubber: a real client whose requests and responses are validated against the real
service model, answered from those files instead of the network.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.cost.prices import parse_snapshot, shipped_snapshot, snapshot_to_dict
from pipeline_tools.cost.refresh import on_demand_price, refresh_snapshot

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pricing"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def term(field: str, value: str) -> dict[str, str]:
    return {"Type": "TERM_MATCH", "Field": field, "Value": value}


@pytest.fixture
def pricing() -> Any:
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        client.stubber = stubber
        yield client
        stubber.assert_no_pending_responses()


def test_refresh_reads_the_on_demand_first_tier_price_of_each_product(pricing: Any) -> None:
    region = [term("regionCode", "us-east-1")]
    stub = pricing.stubber
    stub.add_response("get_products", recorded("fargate-vcpu-us-east-1.json"), {
        "ServiceCode": "AmazonECS", "FormatVersion": "aws_v1",
        "Filters": [*region, term("usagetype", "USE1-Fargate-vCPU-Hours:perCPU")]})
    stub.add_response("get_products", recorded("nat-hours-us-east-1-page1.json"), {
        "ServiceCode": "AmazonEC2", "FormatVersion": "aws_v1",
        "Filters": [*region, term("usagetype", "USE1-NatGateway-Hours")]})
    stub.add_response("get_products", recorded("nat-hours-us-east-1-page2.json"), {
        "ServiceCode": "AmazonEC2", "FormatVersion": "aws_v1", "NextToken": "eyJ0b2tlbiI6InBhZ2UyIn0=",
        "Filters": [*region, term("usagetype", "USE1-NatGateway-Hours")]})
    stub.add_response("get_products", recorded("rds-postgres-t3-micro-single-az-us-east-1.json"), {
        "ServiceCode": "AmazonRDS", "FormatVersion": "aws_v1",
        "Filters": [*region, term("productFamily", "Database Instance"), term("instanceType", "db.t3.micro"),
                    term("databaseEngine", "PostgreSQL"), term("deploymentOption", "Single-AZ")]})
    stub.add_response("get_products", recorded("elasticache-t3-micro-us-east-1.json"), {
        "ServiceCode": "AmazonElastiCache", "FormatVersion": "aws_v1",
        "Filters": [*region, term("productFamily", "Cache Instance"), term("instanceType", "cache.t3.micro"),
                    term("cacheEngine", "Redis")]})
    stub.add_response("get_products", recorded("route53-hosted-zone.json"), {
        "ServiceCode": "AmazonRoute53", "FormatVersion": "aws_v1",
        "Filters": [term("usagetype", "HostedZone")]})
    stub.add_response("get_products", recorded("empty.json"), {
        "ServiceCode": "AmazonECS", "FormatVersion": "aws_v1",
        "Filters": [*region, term("usagetype", "USE1-Fargate-GB-Hours")]})
    previous = shipped_snapshot("us-east-1")
    keys = ["fargate.linux_x86.vcpu_hour", "nat_gateway.hour", "rds.postgres.single_az.db.t3.micro",
            "elasticache.redis.cache.t3.micro", "route53.zone_month", "fargate.linux_x86.gb_hour"]

    result = refresh_snapshot(pricing, "us-east-1", previous, date="2026-12-06", keys=keys)

    prices = result.snapshot.prices
    assert prices["fargate.linux_x86.vcpu_hour"] == Decimal("0.04048")
    assert prices["nat_gateway.hour"] == Decimal("0.045")  # found on the second page
    assert prices["rds.postgres.single_az.db.t3.micro"] == Decimal("0.018")  # not the reserved 0.011
    assert prices["elasticache.redis.cache.t3.micro"] == Decimal("0.017")
    assert prices["route53.zone_month"] == Decimal("0.5")  # the first 25 zones' tier
    assert result.refreshed == keys[:5]
    # no product for this key in the answer: the previous value is kept and named
    assert "fargate.linux_x86.gb_hour" in result.problems
    assert prices["fargate.linux_x86.gb_hour"] == previous.prices["fargate.linux_x86.gb_hour"]
    assert "fargate.linux_x86.gb_hour" in result.carried_over
    assert "carried over" in result.snapshot.source and "fargate.linux_x86.gb_hour" in result.snapshot.source
    assert result.snapshot.date == "2026-12-06"
    # what 'prices refresh' writes is a snapshot 'plan cost' reads back unchanged
    written = json.loads(json.dumps(snapshot_to_dict(result.snapshot)))
    assert written["prices"]["fargate.linux_x86.vcpu_hour"] == "0.04048"
    assert parse_snapshot(written).prices == prices


def test_api_failure_is_an_external_error(pricing: Any) -> None:
    pricing.stubber.add_client_error("get_products", service_error_code="ThrottlingException",
                                     service_message="Rate exceeded", http_status_code=400)
    with pytest.raises(ExternalError, match="Rate exceeded"):
        refresh_snapshot(pricing, "us-east-1", None, date="2026-12-06", keys=["nat_gateway.hour"])


def test_on_demand_price_accepts_strings_and_objects() -> None:
    item = recorded("nat-hours-us-east-1-page2.json")["PriceList"][0]
    assert on_demand_price(item) == on_demand_price(json.loads(item)) == Decimal("0.045")
