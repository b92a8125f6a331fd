"""The emulator's security group race: recognised, and the local apply tries again (a bounded number
of times).

The race itself cannot be provoked on demand (it shows a few times in a hundred applies on loaded
cores), so the local apply's terraform is a stand-in here that fails the way the real one did.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.local.emulator import is_emulator_race
from pipeline_tools.local.local_apply import LocalRun, StepPrinter

# What terraform printed in the failures seen (CI of stop 20, a local dev apply).
DUPLICATE = ("Error: updating Security Group (sg-939fafb29f69ab0b1) ingress rules: authorizing Security "
             "Group (ingress) rules: operation error EC2: AuthorizeSecurityGroupIngress, https response "
             "error StatusCode: 400, api error InvalidPermission.Duplicate: The specified rule already "
             "exists")
NOT_FOUND = ("Error: revoking Security Group (sg-ad45953746683b8b3) Rule (sgr-a041f8a95a6c6c278): operation "
             "error EC2: RevokeSecurityGroupEgress, https response error StatusCode: 400, api error "
             "InvalidPermission.NotFound: The specified rule does not exist in this security group")
OTHER = "Error: creating S3 Bucket (x): operation error S3: CreateBucket, api error BucketAlreadyExists"


def test_the_race_is_recognised_and_nothing_else_is() -> None:
    assert is_emulator_race(DUPLICATE) and is_emulator_race(NOT_FOUND)
    assert not is_emulator_race(OTHER) and not is_emulator_race("")


class FailingFirst:
    """terraform that fails its first ``failures`` calls with ``first_error`` and then succeeds."""

    def __init__(self, first_error: str, failures: int = 1) -> None:
        self.first_error, self.failures, self.calls = first_error, failures, 0

    def run(self, args: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
        self.calls += 1
        if self.calls <= self.failures:
            return subprocess.CompletedProcess(args, 1, "", self.first_error)
        return subprocess.CompletedProcess(args, 0, "Apply complete!", "")


def run(tmp_path: Path) -> tuple[LocalRun, io.StringIO]:
    out = io.StringIO()
    local = LocalRun("dev", printer=StepPrinter(out))
    local.workdir = tmp_path
    return local, out


def test_an_apply_that_met_the_race_is_applied_once_more(tmp_path: Path) -> None:
    local, out = run(tmp_path)
    terraform = FailingFirst(NOT_FOUND)
    local.run_logged(terraform, "dev", "apply", ["apply"])
    assert terraform.calls == 2
    assert "security group race" in out.getvalue() and "applying once more" in out.getvalue()


def test_the_race_met_again_is_applied_again_up_to_the_limit(tmp_path: Path) -> None:
    from pipeline_tools.local.emulator import RACE_RETRIES

    local, _ = run(tmp_path)
    converging = FailingFirst(DUPLICATE, failures=RACE_RETRIES)
    local.run_logged(converging, "dev", "apply", ["apply"])
    assert converging.calls == RACE_RETRIES + 1

    local, _ = run(tmp_path)
    stuck = FailingFirst(DUPLICATE, failures=RACE_RETRIES + 1)
    with pytest.raises(ExternalError) as failed:
        local.run_logged(stuck, "dev", "apply", ["apply"])
    assert stuck.calls == RACE_RETRIES + 1
    # The message says how many applies were made and carries the AWS error code.
    assert f"after {RACE_RETRIES + 1} applies" in str(failed.value)
    assert "api error InvalidPermission.Duplicate" in str(failed.value)


# terraform's own layout: the summary names what was being done, the detail below says why.
MULTILINE = """
╷
│ Error: creating VPC Security Group Rule
│
│   with module.security_groups.aws_vpc_security_group_egress_rule.tasks_to_redis,
│   on ../../terraform/modules/security-groups/main.tf line 40, in resource "x" "y":
│   40: resource "aws_vpc_security_group_egress_rule" "tasks_to_redis" {
│
│ operation error EC2: AuthorizeSecurityGroupEgress, https response error StatusCode: 400,
│ RequestID: 1, api error InvalidGroup.NotFound: The security group 'sg-1' does not exist
╵
╷
│ Error: creating S3 Bucket (x)
│
│   with aws_s3_bucket.x,
╵
"""


def test_the_error_line_names_the_resource_and_the_aws_error_code() -> None:
    from pipeline_tools.local.local_apply import terraform_errors

    assert terraform_errors(MULTILINE) == (
        "Error: creating VPC Security Group Rule (api error InvalidGroup.NotFound) "
        "[module.security_groups.aws_vpc_security_group_egress_rule.tasks_to_redis]; "
        "Error: creating S3 Bucket (x) [aws_s3_bucket.x]")
    # A code already in the summary is not repeated.
    assert terraform_errors(OTHER).count("BucketAlreadyExists") == 1


@pytest.mark.parametrize(("verb", "error"), [("apply", OTHER), ("destroy", NOT_FOUND)])
def test_any_other_failure_is_reported_at_once(tmp_path: Path, verb: str, error: str) -> None:
    local, _ = run(tmp_path)
    terraform = FailingFirst(error)
    with pytest.raises(ExternalError):
        local.run_logged(terraform, "dev", verb, [verb])
    assert terraform.calls == 1


class ApplyFailingFirst:
    """A Terraform whose first apply raises ``first_error`` as Terraform.apply does."""

    def __init__(self, first_error: str, failures: int = 1) -> None:
        self.first_error, self.failures, self.applies = first_error, failures, 0

    def apply(self, planfile: object = None, *extra: str) -> None:
        self.applies += 1
        if self.applies <= self.failures:
            raise ExternalError(f"terraform apply in /x failed (exit 1): {self.first_error}")


def test_the_module_examples_and_plan_scenario_apply_once_more_only_after_the_race() -> None:
    from pipeline_tools.local.emulator import apply_through_race

    raced = ApplyFailingFirst(DUPLICATE)
    apply_through_race(raced, "-var=x=1")  # type: ignore[arg-type]
    assert raced.applies == 2
    always = ApplyFailingFirst(DUPLICATE, failures=99)
    with pytest.raises(ExternalError):
        apply_through_race(always)  # type: ignore[arg-type]
    assert always.applies == 3  # the first and RACE_RETRIES more
    other = ApplyFailingFirst(OTHER)
    with pytest.raises(ExternalError):
        apply_through_race(other)  # type: ignore[arg-type]
    assert other.applies == 1
