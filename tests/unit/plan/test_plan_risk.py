"""Risk flags on KMS key policies: the standard shape of a new key's policy is not a risk (it would
be flagged on every key and teach reviewers to ignore flags); wildcard principals and principals
added later are."""

from __future__ import annotations

import json

from pipeline_tools.plan.risk import risk_flags_for

ROOT = {"AWS": "arn:aws:iam::123456789012:root"}


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _flags(actions: tuple[str, ...], after: str, before: str | None = None, rtype: str = "aws_kms_key"):
    change = {"before": {"policy": before} if before else None, "after": {"policy": after},
              "after_unknown": {}, "after_sensitive": {}, "before_sensitive": {}}
    return risk_flags_for(f"{rtype}.this", rtype, "managed", actions, change, None)


def test_a_new_key_with_the_standard_key_policy_is_not_flagged():
    policy = _policy({"Effect": "Allow", "Principal": ROOT, "Action": "kms:*", "Resource": "*"},
                     {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"},
                      "Action": ["kms:Encrypt*", "kms:GenerateDataKey*"], "Resource": "*"})
    assert _flags(("create",), policy) == []


def test_a_key_open_to_any_principal_is_flagged():
    policy = _policy({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"})
    [flag] = _flags(("create",), policy)
    assert flag.kind == "iam-widened" and "Principal *" in flag.message


def test_a_principal_added_to_a_key_policy_is_flagged():
    before = _policy({"Effect": "Allow", "Principal": ROOT, "Action": "kms:*", "Resource": "*"})
    after = _policy({"Effect": "Allow", "Principal": ROOT, "Action": "kms:*", "Resource": "*"},
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                     "Action": "kms:Decrypt", "Resource": "*"})
    [flag] = _flags(("update",), after, before)
    assert "new principals AWS:arn:aws:iam::999999999999:root" in flag.message


def test_wildcards_in_an_iam_policy_are_still_flagged():
    policy = _policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    [flag] = _flags(("create",), policy, rtype="aws_iam_policy")
    assert "Action s3:*" in flag.message and "Resource *" in flag.message
