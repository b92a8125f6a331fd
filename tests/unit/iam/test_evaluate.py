"""The IAM evaluator, one documented rule per test; the policies are the examples of AWS's IAM
User Guide ("Policy evaluation logic", "Condition operators", "Conditions with multiple context
keys or values", "Permissions boundaries", "Policy variables"), trimmed to what each rule needs."""

from __future__ import annotations

import pytest

from pipeline_tools.iam.conditions import UnsupportedCondition, conditions_hold
from pipeline_tools.iam.evaluate import Principal, Request, evaluate, parse_policy, trust_allows
from pipeline_tools.iam.matching import action_matches, arn_matches

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"


def role(*statements: dict, boundary: list[dict] | None = None) -> Principal:
    identity = parse_policy({"Statement": list(statements)}, source="identity")
    bound = None if boundary is None else parse_policy({"Statement": boundary}, source="boundary")
    return Principal(ROLE, identity, bound, session_name="build")


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# --- matching ----------------------------------------------------------------------------------


def test_actions_match_case_insensitively_with_wildcards():
    assert action_matches("iam:put*", "iam:PutRolePolicy")
    assert action_matches("s3:Get?bject", "s3:GetObject")
    assert not action_matches("iam:Put*", "iam:AttachRolePolicy")
    assert action_matches("*", "kms:Decrypt")


def test_resources_match_case_sensitively_part_by_part():
    assert arn_matches("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b.txt")
    assert not arn_matches("arn:aws:s3:::Amzn-S3-Demo-Bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a")
    # `*` inside the resource part spans '/', the role path included.
    assert arn_matches(
        f"arn:aws:iam::{ACCOUNT}:role/platform-dev-*", f"arn:aws:iam::{ACCOUNT}:role/platform-dev-x"
    )
    assert not arn_matches(
        f"arn:aws:iam::{ACCOUNT}:role/platform-dev-*", f"arn:aws:iam::{ACCOUNT}:role/platform-staging-x"
    )
    # A wildcard in one part does not reach into the next: region `*` does not absorb the account.
    assert not arn_matches("arn:aws:kms:us-*:999999999999:key/*", "arn:aws:kms:us-east-1:111122223333:key/k")
    assert arn_matches("arn:aws:kms:*:*:key/*", "arn:aws:kms:us-east-1:111122223333:key/k")


# --- evaluation order --------------------------------------------------------------------------


def test_no_statement_means_implicit_deny():
    decision = evaluate(role(), Request("s3:GetObject", "arn:aws:s3:::b/k"))
    assert not decision and decision.reason == "implicit-deny"


def test_explicit_deny_overrides_any_allow():
    principal = role(allow("*"), deny("iam:*"))
    assert evaluate(principal, Request("s3:GetObject", "arn:aws:s3:::b/k"))
    decision = evaluate(principal, Request("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x"))
    assert not decision and decision.reason == "explicit-deny"


def test_not_action_allows_everything_but_the_listed_services():
    """PowerUserAccess' first statement."""
    principal = role(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}
    )
    assert evaluate(principal, Request("lambda:CreateFunction", "arn:aws:lambda:us-east-1:1:function:f"))
    assert not evaluate(principal, Request("iam:PutRolePolicy", ROLE))


def test_not_resource_excludes_the_listed_resources():
    principal = role({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::hr-*"})
    assert evaluate(principal, Request("s3:GetObject", "arn:aws:s3:::public/x"))
    assert not evaluate(principal, Request("s3:GetObject", "arn:aws:s3:::hr-payroll/x"))


def test_permissions_boundary_intersects_the_identity_policy():
    """Boundaries doc: identity allows s3:* and the boundary only reads; writes are denied."""
    principal = role(allow("s3:*"), boundary=[allow(["s3:GetObject", "s3:ListBucket"])])
    assert evaluate(principal, Request("s3:GetObject", "arn:aws:s3:::b/k"))
    decision = evaluate(principal, Request("s3:PutObject", "arn:aws:s3:::b/k"))
    assert not decision and decision.reason == "boundary-implicit-deny"
    # A boundary allows nothing on its own.
    assert not evaluate(role(boundary=[allow("*")]), Request("s3:GetObject", "arn:aws:s3:::b/k"))


def test_explicit_deny_in_the_boundary_wins():
    principal = role(allow("*"), boundary=[allow("*"), deny("iam:*")])
    assert (
        evaluate(principal, Request("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/x")).reason
        == "explicit-deny"
    )


# --- resource policies, same account ----------------------------------------------------------


def bucket_policy(principal: object, effect: str = "Allow") -> list:
    return parse_policy(
        {
            "Statement": [
                {
                    "Effect": effect,
                    "Principal": principal,
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/*",
                }
            ]
        },
        source="bucket policy",
    )


def test_resource_policy_naming_the_role_session_allows_without_identity_policy():
    principal = role(boundary=[allow("ec2:*")])
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/build"
    decision = evaluate(
        principal,
        Request("s3:GetObject", "arn:aws:s3:::b/k"),
        resource_policy=bucket_policy({"AWS": session}),
    )
    assert decision and decision.statements == ("bucket policy",)


def test_resource_policy_naming_the_role_is_still_limited_by_the_boundary():
    request = Request("s3:GetObject", "arn:aws:s3:::b/k")
    assert evaluate(role(), request, resource_policy=bucket_policy({"AWS": ROLE}))
    assert not evaluate(
        role(boundary=[allow("ec2:*")]), request, resource_policy=bucket_policy({"AWS": ROLE})
    )


def test_resource_policy_naming_the_account_delegates_to_iam():
    request = Request("s3:GetObject", "arn:aws:s3:::b/k")
    policy = bucket_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert not evaluate(role(), request, resource_policy=policy)
    assert evaluate(role(allow("s3:GetObject")), request, resource_policy=policy)


def test_resource_policy_deny_wins_over_identity_allow():
    decision = evaluate(
        role(allow("s3:*")),
        Request("s3:GetObject", "arn:aws:s3:::b/k"),
        resource_policy=bucket_policy("*", effect="Deny"),
    )
    assert decision.reason == "explicit-deny"


def test_kms_key_policy_must_allow_directly_or_delegate():
    key = "arn:aws:kms:us-east-1:111122223333:key/1234"
    request = Request("kms:Decrypt", key)
    only_admins = parse_policy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ]
        }
    )
    decision = evaluate(role(allow("kms:*")), request, resource_policy=only_admins, key_policy=True)
    assert not decision and decision.reason == "key-policy-implicit-deny"
    delegating = parse_policy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ]
        }
    )
    assert evaluate(role(allow("kms:Decrypt")), request, resource_policy=delegating, key_policy=True)
    assert not evaluate(role(), request, resource_policy=delegating, key_policy=True)


# --- conditions -------------------------------------------------------------------------------


def test_values_of_one_key_are_ored_keys_and_operators_anded():
    block = {
        "StringEquals": {"aws:PrincipalTag/department": ["finance", "hr"], "aws:PrincipalTag/role": "audit"}
    }
    assert conditions_hold(block, {"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit"})
    assert not conditions_hold(block, {"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "dev"})


def test_negated_operator_values_are_nored_and_a_missing_key_holds():
    block = {"StringNotEquals": {"iam:PermissionsBoundary": ["arn:b1", "arn:b2"]}}
    assert not conditions_hold(block, {"iam:PermissionsBoundary": "arn:b2"})
    assert conditions_hold(block, {"iam:PermissionsBoundary": "arn:other"})
    assert conditions_hold(block, {})  # "if the key is not present ... the condition is true"


def test_missing_key_fails_a_positive_operator_unless_ifexists():
    assert not conditions_hold({"StringEquals": {"ec2:InstanceType": "t2.micro"}}, {})
    assert conditions_hold({"StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}, {})
    assert not conditions_hold(
        {"StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}, {"ec2:InstanceType": "m5.large"}
    )


def test_condition_key_names_are_case_insensitive_values_are_not():
    assert conditions_hold({"StringEquals": {"AWS:SourceAccount": ACCOUNT}}, {"aws:sourceaccount": ACCOUNT})
    assert not conditions_hold(
        {"StringEquals": {"aws:PrincipalTag/team": "Ops"}}, {"aws:PrincipalTag/team": "ops"}
    )
    assert conditions_hold(
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Ops"}}, {"aws:PrincipalTag/team": "ops"}
    )


def test_string_like_and_arn_like():
    assert conditions_hold({"StringLike": {"s3:prefix": ["home/*"]}}, {"s3:prefix": "home/carlos/"})
    assert not conditions_hold({"StringLike": {"s3:prefix": ["home/*"]}}, {"s3:prefix": "other/"})
    source = "arn:aws:sns:us-east-1:111122223333:topic"
    assert conditions_hold(
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}, {"aws:SourceArn": source}
    )
    assert not conditions_hold(
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:999999999999:*"}}, {"aws:SourceArn": source}
    )
    assert conditions_hold(
        {"ArnNotLike": {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}},
        {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )


def test_bool_null_and_numeric():
    assert not conditions_hold({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": True})
    assert conditions_hold({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"})
    assert conditions_hold({"Null": {"aws:TokenIssueTime": "true"}}, {})
    assert not conditions_hold({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2026-01-01"})
    assert conditions_hold({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"})
    assert not conditions_hold({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"})
    assert not conditions_hold({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "not-a-number"})


def test_set_operators_on_multivalued_keys():
    """AWS's aws:TagKeys examples: ForAllValues holds for a missing key, ForAnyValue does not."""
    only_allowed = {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    assert conditions_hold(only_allowed, {"aws:TagKeys": ["environment"]})
    assert not conditions_hold(only_allowed, {"aws:TagKeys": ["environment", "owner"]})
    assert conditions_hold(only_allowed, {})
    any_required = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}}
    assert conditions_hold(any_required, {"aws:TagKeys": ["owner", "environment"]})
    assert not conditions_hold(any_required, {})


def test_policy_variables_in_resources_and_conditions():
    """The "home folder" example: ${aws:username} in the resource; a missing variable matches nothing."""
    principal = role(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"))
    mine = Request(
        "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/carlos/a", {"aws:username": "carlos"}
    )
    theirs = Request(
        "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/maria/a", {"aws:username": "carlos"}
    )
    assert evaluate(principal, mine) and not evaluate(principal, theirs)
    anonymous = Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/carlos/a")
    assert not evaluate(principal, anonymous)
    literal = role(allow("s3:GetObject", "arn:aws:s3:::b/${*}"))
    assert evaluate(literal, Request("s3:GetObject", "arn:aws:s3:::b/*"))
    assert not evaluate(literal, Request("s3:GetObject", "arn:aws:s3:::b/anything"))
    assert conditions_hold(
        {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}},
        {"aws:username": "carlos", "aws:PrincipalTag/owner": "carlos"},
    )


def test_unsupported_operator_is_refused_not_guessed():
    with pytest.raises(UnsupportedCondition):
        conditions_hold({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.1"})


def test_web_identity_trust_matches_provider_audience_and_subject():
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust = parse_policy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                            "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
                        }
                    },
                }
            ]
        }
    )
    claims = {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
    }
    assert trust_allows(trust, federated=provider, action="sts:AssumeRoleWithWebIdentity", context=claims)
    branch = {**claims, "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}
    assert not trust_allows(trust, federated=provider, action="sts:AssumeRoleWithWebIdentity", context=branch)
    other = f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.com"
    assert not trust_allows(trust, federated=other, action="sts:AssumeRoleWithWebIdentity", context=claims)


def test_trust_of_a_service_role_names_the_service_and_its_source_account():
    trust = parse_policy({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}, "trust")
    ours = {"aws:SourceAccount": "123456789012"}
    assert trust_allows(trust, service="config.amazonaws.com", action="sts:AssumeRole", context=ours)
    assert not trust_allows(trust, service="lambda.amazonaws.com", action="sts:AssumeRole", context=ours)
    assert not trust_allows(trust, service="config.amazonaws.com", action="sts:AssumeRole",
                            context={"aws:SourceAccount": "210987654321"})
    # A service principal is not a federated one of the same name.
    assert not trust_allows(trust, federated="config.amazonaws.com", action="sts:AssumeRole", context=ours)
    with pytest.raises(ValueError):
        trust_allows(trust, action="sts:AssumeRole", context=ours)
