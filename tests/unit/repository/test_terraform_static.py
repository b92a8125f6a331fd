"""Static checks of the Terraform in terraform/ and environments/: fmt, validate, checkov, README tables.

All of them run the real tools (terraform from PATH with the provider mirror, checkov from
PIPELINE_TOOLS_CHECKOV or .tools/checkov/bin/checkov). Every module is validated through the
roots that call it, so each root costs one ``init -backend=false`` and one ``validate``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline_tools.integrations.terraform import Terraform, terraform_env
from tests.support.cli import run_cli
from tests.support.paths import REPO_ROOT

# terraform fmt/validate and checkov over every root (slow): `make test-fast` leaves them out.
pytestmark = pytest.mark.terraform

TERRAFORM_DIRS = [REPO_ROOT / "terraform", REPO_ROOT / "environments"]
ROOTS = sorted(path.parent.name for path in (REPO_ROOT / "environments").glob("*/main.tf"))
# Every root the issue asks for; a missing one fails here rather than being skipped silently.
EXPECTED_ROOTS = ["bootstrap", "dev", "prod", "staging"]
PLATFORM = REPO_ROOT / "terraform" / "platform"
# The environment roots hold backend, providers, versions, the module call, one-line pass-through
# variables and outputs; anything more belongs in terraform/platform. moved.tf (the migration
# from the old flat layout) is left out of the count: it goes once every state has migrated.
MAX_ROOT_HCL_LINES = 95
INLINE_SKIP = re.compile(r"checkov:skip=([A-Za-z0-9_]+)(?::([^\n]*))?")


def _tf_files() -> list[Path]:
    return sorted(path for base in TERRAFORM_DIRS for path in base.rglob("*.tf")
                  if ".terraform" not in path.parts)


def test_every_environment_root_exists():
    assert ROOTS == EXPECTED_ROOTS


def test_terraform_fmt_is_clean():
    env = terraform_env()
    completed = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-list=true", *map(str, TERRAFORM_DIRS)],
        env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, f"not terraform fmt clean:\n{completed.stdout}{completed.stderr}"


@pytest.mark.parametrize("root", ROOTS)
def test_root_validates(root: str, tmp_path: Path):
    """``terraform validate`` of each root (and through it, every module it calls)."""
    workdir = REPO_ROOT / "environments" / root
    lock_before = (workdir / ".terraform.lock.hcl").read_text()
    # Terraform's working data goes to a temporary directory, not into the repository.
    tf = Terraform(workdir, env=terraform_env({"TF_DATA_DIR": str(tmp_path / ".terraform")}))
    tf.init(backend=False)
    completed = tf.run(["validate", "-json", "-no-color"], check=False)
    report = json.loads(completed.stdout)
    assert report["valid"], json.dumps(report["diagnostics"], indent=1)
    warnings = [d["summary"] for d in report["diagnostics"] if d["severity"] == "warning"]
    assert not warnings, warnings
    # The committed lock file already pins what init selected.
    assert (workdir / ".terraform.lock.hcl").read_text() == lock_before


def test_every_root_has_its_files():
    for root in ROOTS:
        directory = REPO_ROOT / "environments" / root
        required = ["versions.tf", "providers.tf", "backend.tf", "variables.tf", "main.tf", "outputs.tf",
                    "terraform.tfvars", ".terraform.lock.hcl", "README.md"]
        if root != "bootstrap":
            required.append("release.auto.tfvars.json")
        missing = [name for name in required if not (directory / name).is_file()]
        assert not missing, f"environments/{root} lacks {missing}"
        backend = (directory / "backend.tf").read_text()
        assert f'key          = "{root}/terraform.tfstate"' in backend
        assert "use_lockfile = true" in backend and "encrypt      = true" in backend
        code = "\n".join(line.split("#")[0] for line in (directory / "providers.tf").read_text().splitlines())
        # Pointing at an emulator or passing credentials happens from outside, never here.
        for forbidden in ("endpoints", "endpoint ", "access_key", "secret_key", "profile", "skip_"):
            assert forbidden not in code, f"environments/{root}/providers.tf sets {forbidden.strip()}"


def test_release_files_pin_images_by_digest():
    for root in ROOTS:
        path = REPO_ROOT / "environments" / root / "release.auto.tfvars.json"
        if root == "bootstrap":
            continue
        releases = json.loads(path.read_text())["releases"]
        assert releases["api"]["repository"] == "platform/api"
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", releases["api"]["digest"]), path


def _checkov_binary() -> str:
    configured = os.environ.get("PIPELINE_TOOLS_CHECKOV")
    if configured and Path(configured).is_file():
        return configured
    bundled = REPO_ROOT / ".tools" / "checkov" / "bin" / "checkov"
    if bundled.is_file():
        return str(bundled)
    found = shutil.which("checkov")
    if found:
        return found
    pytest.fail("checkov not found: set PIPELINE_TOOLS_CHECKOV or run 'make .tools/checkov/.installed'")


def test_checkov_finds_nothing(tmp_path: Path):
    """One checkov run over terraform/ and environments/: zero failed checks."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "ANSI_COLORS_DISABLED": "1"}
    completed = subprocess.run(
        [_checkov_binary(), "-d", "terraform", "-d", "environments", "--framework", "terraform",
         "-o", "json", "--output-file-path", str(tmp_path), "--skip-download", "--compact"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=1200,
    )
    report_path = tmp_path / "results_json.json"
    assert report_path.is_file(), (
        f"checkov wrote no report (exit {completed.returncode}): {completed.stderr[-800:]}")
    reports = json.loads(report_path.read_text())
    reports = reports if isinstance(reports, list) else [reports]
    failed = [f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
              for report in reports for c in report["results"].get("failed_checks", [])]
    assert not failed, "checkov failed checks:\n" + "\n".join(sorted(set(failed)))
    parsing_errors = sum(report["summary"].get("parsing_errors", 0) for report in reports)
    assert parsing_errors == 0
    assert sum(report["summary"]["resource_count"] for report in reports) > 0


def test_every_inline_checkov_skip_has_a_reason():
    unexplained = []
    for path in _tf_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in INLINE_SKIP.finditer(line):
                reason = (match.group(2) or "").strip()
                if len(reason) < 10:
                    unexplained.append(f"{path.relative_to(REPO_ROOT)}:{number}: {match.group(1)}")
    assert not unexplained, "inline checkov skips without a reason:\n" + "\n".join(unexplained)


def test_readme_tables_are_current():
    """``make docs`` output is committed for every module and environment."""
    result = run_cli("docs", "terraform", "--check", *map(str, [REPO_ROOT / "terraform" / "modules",
                                                                 PLATFORM, REPO_ROOT / "environments"]))
    assert result.returncode == 0, result.stdout + result.stderr


def test_platform_composition_has_the_module_layout():
    import hcl2

    missing = [name for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
               if not (PLATFORM / name).is_file()]
    assert not missing, f"terraform/platform lacks {missing}"
    with (PLATFORM / "variables.tf").open() as handle:
        variables = {name: body for block in hcl2.load(handle)["variable"] for name, body in block.items()}
    untyped = sorted(name for name, body in variables.items()
                     if "type" not in body or not body.get("description"))
    assert not untyped, f"terraform/platform variables without type or description: {untyped}"
    for name in ("services", "network", "domain_name", "aws_region", "alarm_email_addresses", "releases"):
        assert variables[name].get("validation"), f"terraform/platform variable {name} is not validated"


@pytest.mark.parametrize("root", ["dev", "staging", "prod"])
def test_environment_roots_are_thin(root: str):
    directory = REPO_ROOT / "environments" / root
    hcl_lines = [line for path in sorted(directory.glob("*.tf")) if path.name != "moved.tf"
                 for line in path.read_text().splitlines()
                 if line.strip() and not line.strip().startswith("#")]
    assert len(hcl_lines) <= MAX_ROOT_HCL_LINES, f"environments/{root}: {len(hcl_lines)} lines of HCL"
    main = (directory / "main.tf").read_text()
    # One module call, the platform; every resource lives in the composition.
    assert re.findall(r'^module "([^"]+)"', main, re.M) == ["platform"]
    assert not re.search(r'^(resource|data) "', "\n".join(
        path.read_text() for path in directory.glob("*.tf")), re.M)
    # Every provider is pinned to the environment's accounts.
    providers = (directory / "providers.tf").read_text()
    pinned = providers.count("allowed_account_ids = var.allowed_account_ids")
    assert providers.count('provider "aws"') == pinned == 2


def test_environment_roots_differ_only_in_their_settings():
    """main.tf, variables.tf, outputs.tf, providers.tf and moved.tf are the same in every root."""
    for name in ("main.tf", "variables.tf", "outputs.tf", "providers.tf", "moved.tf", "versions.tf"):
        bodies = {root: [line for line in (REPO_ROOT / "environments" / root / name).read_text().splitlines()
                         if not line.startswith("#")]
                  for root in ("dev", "staging", "prod")}
        bodies = {root: "\n".join(lines) for root, lines in bodies.items()}
        assert len(set(bodies.values())) == 1, f"environments/*/{name} differ"
