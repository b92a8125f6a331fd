"""boto3 clients talking HTTP to the project's emulator (moto server), from its environment."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from pipeline_tools.iam.evaluate import Principal


def emulator_client(env: dict[str, str], service: str, region: str | None = None, **kwargs: Any) -> Any:
    """A ``service`` client for the emulator whose ``env`` (``Emulator.env()``) is given; ``region``
    overrides the emulator's default region, ``kwargs`` go to :func:`boto3.client` (``config``)."""
    return boto3.client(
        service,
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=region or env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        **kwargs,
    )


def role_principal(env: dict[str, str], role_name: str) -> Principal:
    """The role as the emulator's IAM holds it (its inline policies), for the project's IAM evaluator:
    moto enforces no IAM, so what a role may do is decided from what terraform wrote."""
    from pipeline_tools.iam.evaluate import Principal, parse_policy

    iam = emulator_client(env, "iam")
    role_arn = iam.get_role(RoleName=role_name)["Role"]["Arn"]
    statements = []
    for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        document = document if isinstance(document, dict) else json.loads(document)
        statements += parse_policy(document, policy_name)
    return Principal(role_arn=role_arn, identity=statements)


def private_network(env: dict[str, str], second_octet: int) -> dict[str, Any]:
    """What an environment's network module gives a module example: a VPC ``10.<second_octet>.0.0/16``
    with a subnet in each of two zones and a security group for tasks."""
    ec2 = emulator_client(env, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
    subnet_ids = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{second_octet}.{index}.0/24",
                                    AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
                  for index, zone in enumerate("ab", start=1)]
    group_id = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc_id)["GroupId"]
    return {"vpc_id": vpc_id, "subnet_ids": subnet_ids, "security_group_ids": [group_id]}
