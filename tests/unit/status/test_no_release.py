"""``status`` of services that have no release yet: "no release", never "in sync".

No AWS is involved: a service without a release is not looked up in ECS (terraform/platform created
it with zero tasks), which is exactly what these tests pin down by passing no ECS client at all.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_tools.promote.release import PLACEHOLDER_DIGEST, load_releases
from pipeline_tools.status.model import ServiceStatus
from pipeline_tools.status.render import render_text
from pipeline_tools.status.run import gather

DIGEST = "sha256:" + "ab" * 32


def _environment(tmp_path: Path, releases: dict, tfvars: str) -> Path:
    root = tmp_path / "environments" / "dev"
    root.mkdir(parents=True)
    (root / "release.auto.tfvars.json").write_text(json.dumps({"releases": releases}))
    (root / "terraform.tfvars").write_text(tfvars)
    return tmp_path / "environments"


TFVARS = '''environment = "dev"
services = {
  api = {
    cpu = 256
  }
  worker = {
    cpu = 512
  }
}
'''


def test_placeholder_digest_and_missing_entry_both_read_no_release(tmp_path: Path):
    placeholder = {"api": {"repository": "platform/api", "digest": PLACEHOLDER_DIGEST}}
    environments = _environment(tmp_path, placeholder, TFVARS)
    status = gather("dev", environments_dir=environments, project="platform", ecs=None, s3=None,
                    backend={}, drift="not checked")
    assert [(s.service, s.released, s.in_sync) for s in status.services] == [
        ("api", False, False), ("worker", False, False)]
    text = render_text(status)
    assert "service api: no release (release file has the placeholder digest" in text
    assert "service worker: no release (release file has no entry" in text
    assert "in sync" not in text
    # Nothing is out of sync with a release that does not exist: the environment is not flagged.
    assert status.healthy and text.startswith("environment dev: healthy")
    report = status.to_json()
    assert [s["in_sync"] for s in report["services"]] == [False, False]
    assert [s["released"] for s in report["services"]] == [False, False]


def test_a_released_service_still_needs_to_run_its_digest():
    evidence = ("task definition", "d-1", "COMPLETED", "", None)
    released = ServiceStatus("api", DIGEST, "v1", [DIGEST], *evidence)
    stale = ServiceStatus("api", DIGEST, "v1", [PLACEHOLDER_DIGEST], *evidence)
    assert released.in_sync and not stale.in_sync


def test_release_knows_the_placeholder(tmp_path: Path):
    path = tmp_path / "release.auto.tfvars.json"
    path.write_text(json.dumps({"releases": {
        "api": {"repository": "platform/api", "digest": DIGEST},
        "worker": {"repository": "platform/worker", "digest": PLACEHOLDER_DIGEST}}}))
    releases = load_releases(path)
    assert releases["api"].released and not releases["worker"].released
