"""Issue 11 item 3, the pure part: which image references the deployer accepts at all.

Whether the image exists and is the target's repository is checked against ECR (moto over HTTP)
in tests/integration/test_deploy_hardening.py.
"""

from __future__ import annotations

import pytest

from pipeline_tools.core.errors import InputError
from pipeline_tools.deploy.images import ImageReference, check_repository_name, parse_image

DIGEST = "sha256:" + "ab" * 32
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
FIPS = "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"
CHINA = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"


@pytest.mark.parametrize("image, expected", [
    (f"{HOST}/platform/api@{DIGEST}", ImageReference(HOST, "platform/api", DIGEST)),
    (f"platform/api@{DIGEST}", ImageReference("", "platform/api", DIGEST)),
    (f"{HOST}/a.b_c-d/e-f@{DIGEST}", ImageReference(HOST, "a.b_c-d/e-f", DIGEST)),
    (f"{FIPS}/team/svc@{DIGEST}", ImageReference(FIPS, "team/svc", DIGEST)),
    (f"{CHINA}/svc@{DIGEST}", ImageReference(CHINA, "svc", DIGEST)),
])
def test_references_that_parse(image: str, expected: ImageReference) -> None:
    assert parse_image(image) == expected


@pytest.mark.parametrize("image, message", [
    (f"../../x@{DIGEST}", "is not a private ECR registry"),
    (f"./x@{DIGEST}", "is not a private ECR registry"),
    # Docker (and so ECS) reads a first component with a '.' as a registry host: a bare
    # "a.b/c" would be pulled from a.b, so it needs the ECR host in front.
    (f"a.b_c-d/e-f@{DIGEST}", "is not a private ECR registry"),
    (f"{HOST}/../../x@{DIGEST}", "not a valid ECR repository name"),
    (f"{HOST}/platform/../api@{DIGEST}", "not a valid ECR repository name"),
    (f"docker.io/library/nginx@{DIGEST}", "is not a private ECR registry"),
    (f"public.ecr.aws/nginx/nginx@{DIGEST}", "is not a private ECR registry"),
    (f"localhost:5000/api@{DIGEST}", "is not a private ECR registry"),
    (f"{HOST}.evil.example/api@{DIGEST}", "is not a private ECR registry"),
    (f"12345.dkr.ecr.us-east-1.amazonaws.com/api@{DIGEST}", "is not a private ECR registry"),
    (f"/platform/api@{DIGEST}", "not a valid ECR repository name"),
    (f"platform/api/@{DIGEST}", "not a valid ECR repository name"),
    (f"platform//api@{DIGEST}", "not a valid ECR repository name"),
    (f"platform/e__f@{DIGEST}", "not a valid ECR repository name"),
    (f"Platform/API@{DIGEST}", "not a valid ECR repository name"),
    (f"platform/api @{DIGEST}", "not a valid ECR repository name"),
    (f"platform/api\n@{DIGEST}", "not a valid ECR repository name"),
    (f"a@{DIGEST}", "not a valid ECR repository name"),  # ECR names have 2 characters at least
    (f"{'a' * 257}@{DIGEST}", "not a valid ECR repository name"),
    (f"platform/api@{DIGEST}@{DIGEST}", "not a valid ECR repository name"),
    ("platform/api:v1", "REPOSITORY@sha256"),
    ("platform/api@sha256:abc", "REPOSITORY@sha256"),
    (f"platform/api@{DIGEST.upper()}", "REPOSITORY@sha256"),
])
def test_references_that_are_refused(image: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_image(image)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_huge_reference_is_not_echoed_whole() -> None:
    with pytest.raises(InputError) as raised:
        parse_image("x" * 10_000_000 + f"@{DIGEST}")
    assert len(str(raised.value)) < 400


def test_event_repository_names_follow_the_same_rule() -> None:
    assert check_repository_name("platform/api") == "platform/api"
    for bad in ("../../x", "/platform/api", "platform/api/", "", "x"):
        with pytest.raises(InputError):
            check_repository_name(bad)
