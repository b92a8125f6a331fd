"""``pipeline-tools affected`` against real git repositories built in each test."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from pipeline_tools.affected import hclscan
from pipeline_tools.affected.run import find_affected
from tests.support.cli import assert_one_line_error, run_cli

VERSIONS = 'terraform {\n  required_version = ">= 1.6"\n}\n'


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
        env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
             "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(repo), "PATH": "/usr/bin:/bin"},
    )
    return completed.stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def module_call(name: str, source: str) -> str:
    return f'module "{name}" {{\n  source = "{source}"\n  name   = "{name}"\n}}\n'


def commit(repo: Path, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def monorepo(tmp_path: Path) -> tuple[Path, str]:
    """dev and staging use network (which uses vpc); prod uses only vpc; bootstrap uses nothing.

    Returns the repository and its first commit.
    """
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {
        "terraform/modules/vpc/main.tf": 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        "terraform/modules/vpc/README.md": "# vpc\n",
        "terraform/modules/network/main.tf": module_call("vpc", "../vpc"),
        "terraform/modules/network/templates/policy.json.tftpl": "{}\n",
        "terraform/modules/unused/main.tf": "# nobody calls me\n",
        "environments/dev/main.tf": module_call("network", "../../terraform/modules/network"),
        "environments/dev/versions.tf": VERSIONS,
        "environments/dev/terraform.tfvars": 'name = "dev"\n',
        "environments/staging/main.tf": module_call("network", "../../terraform/modules/network"),
        "environments/staging/release.auto.tfvars.json": "{}\n",
        "environments/prod/main.tf": (
            module_call("vpc", "../../terraform/modules/vpc")
            + '# module "old" { source = "../../terraform/modules/network" }\n'
        ),
        "environments/prod/.terraform.lock.hcl": "# lock\n",
        "environments/bootstrap/main.tf": VERSIONS,
        "Makefile": "test:\n\ttrue\n",
        ".github/workflows/ci.yml": "on: push\n",
        "docs/readme.md": "docs\n",
    })
    return repo, commit(repo, "initial")


def affected(repo: Path, base: str, **kwargs) -> dict[str, list[dict]]:
    result = run_cli("affected", "--base", base, "--format", "json", cwd=repo, **kwargs)
    assert result.returncode == 0, result.stderr
    return {item["path"]: item for item in json.loads(result.stdout)}


def test_a_module_deep_in_a_chain_plans_every_root_that_reaches_it(monorepo):
    repo, base = monorepo
    vpc = 'resource "aws_vpc" "this" {\n  cidr_block = "10.1.0.0/16"\n}\n'
    write(repo, {"terraform/modules/vpc/main.tf": vpc})
    commit(repo)
    roots = affected(repo, base)
    assert sorted(roots) == ["environments/dev", "environments/prod", "environments/staging"]
    dev_reason = roots["environments/dev"]["reasons"][0]
    assert dev_reason["kind"] == "module"
    assert dev_reason["via"] == "module.network.module.vpc"
    assert dev_reason["text"] == "terraform/modules/vpc changed, used via module.network.module.vpc"
    assert roots["environments/prod"]["reasons"][0]["via"] == "module.vpc"


def test_a_module_shared_by_some_roots_plans_only_those(monorepo):
    repo, base = monorepo
    write(repo, {"terraform/modules/network/main.tf": module_call("vpc", "../vpc") + "# tweak\n"})
    head = commit(repo)
    roots = affected(repo, base)
    # prod's commented-out module block naming network must not count: python-hcl2 sees no call there.
    assert sorted(roots) == ["environments/dev", "environments/staging"]
    assert all(not item["deleted"] for item in roots.values())
    matrix = run_cli("affected", "--base", base, "--head", head, "--format", "github-matrix", cwd=repo)
    # Stages come from the built-in configuration (no pipeline-tools.yml here): dev before staging.
    assert json.loads(matrix.stdout) == {"include": [
        {"path": "environments/dev", "name": "dev", "stage": "dev", "stage_index": 0,
         "roots": ["environments/dev"], "names": ["dev"], "count": 1},
        {"path": "environments/staging", "name": "staging", "stage": "staging", "stage_index": 1,
         "roots": ["environments/staging"], "names": ["staging"], "count": 1},
    ]}


def test_a_template_below_a_module_counts_and_its_readme_does_not(monorepo):
    repo, base = monorepo
    write(repo, {"terraform/modules/network/templates/policy.json.tftpl": '{"v": 2}\n',
                 "terraform/modules/vpc/README.md": "# vpc, documented\n"})
    commit(repo)
    roots = affected(repo, base)
    assert sorted(roots) == ["environments/dev", "environments/staging"]
    assert roots["environments/dev"]["reasons"][0]["changed"] == "terraform/modules/network"


def test_tfvars_release_and_lock_changes_plan_only_their_root(monorepo):
    repo, base = monorepo
    write(repo, {"environments/dev/terraform.tfvars": 'name = "dev2"\n',
                 "environments/staging/release.auto.tfvars.json": '{"releases": {}}\n',
                 "environments/prod/.terraform.lock.hcl": "# lock 2\n"})
    commit(repo)
    roots = affected(repo, base)
    assert sorted(roots) == ["environments/dev", "environments/prod", "environments/staging"]
    kinds = {path: [r["file_kind"] for r in item["reasons"]] for path, item in roots.items()}
    assert kinds == {"environments/dev": ["tfvars"], "environments/staging": ["release"],
                     "environments/prod": ["lock"]}
    text = run_cli("affected", "--base", base, cwd=repo).stdout
    assert "planned because environments/dev/terraform.tfvars changed (variable values)" in text


def test_a_change_outside_terraform_affects_nothing_but_tooling_affects_everything(monorepo):
    repo, base = monorepo
    write(repo, {"docs/readme.md": "more docs\n", "terraform/modules/unused/main.tf": "# still unused\n"})
    docs_only = commit(repo)
    assert affected(repo, base) == {}
    text = run_cli("affected", "--base", base, cwd=repo)
    assert text.returncode == 0 and "No environment roots are affected" in text.stdout
    assert json.loads(run_cli("affected", "--base", base, "--format", "github-matrix", cwd=repo).stdout) \
        == {"include": []}

    # (A pipeline_tools/ package here would shadow the real one in `python -m`; .github/ is tooling too.)
    write(repo, {".github/workflows/ci.yml": "on: [push]\n"})
    commit(repo)
    roots = affected(repo, docs_only)
    assert sorted(roots) == ["environments/bootstrap", "environments/dev", "environments/prod",
                             "environments/staging"]
    assert roots["environments/bootstrap"]["reasons"][0]["kind"] == "tooling"

    # The security gate's policy judges every root's plan: every root again.
    write(repo, {"security/policy.yml": "rules: []\n"})
    policy = commit(repo)
    assert len(affected(repo, git(repo, "rev-parse", f"{policy}~1"))) == 4


def test_renamed_module_plans_callers_of_old_and_new_path(monorepo):
    repo, base = monorepo
    git(repo, "mv", "terraform/modules/vpc", "terraform/modules/vpc2")
    write(repo, {"terraform/modules/network/main.tf": module_call("vpc", "../vpc2")})
    commit(repo)
    roots = affected(repo, base)
    # dev/staging follow the move through network; prod still calls the old path and must be
    # planned so that its broken reference shows up in review rather than after merge.
    assert sorted(roots) == ["environments/dev", "environments/prod", "environments/staging"]
    assert any(r["changed"] == "terraform/modules/vpc" for r in roots["environments/prod"]["reasons"])


def test_deleted_and_renamed_roots_are_reported_apart(monorepo):
    repo, base = monorepo
    git(repo, "rm", "-q", "-r", "environments/bootstrap")
    git(repo, "mv", "environments/prod", "environments/production")
    commit(repo)
    items = affected(repo, base)
    assert items["environments/bootstrap"]["deleted"] is True
    assert items["environments/prod"]["deleted"] is True
    assert items["environments/prod"]["renamed_to"] == "environments/production"
    assert items["environments/production"]["deleted"] is False
    assert any("renamed from environments/prod/main.tf" in reason["text"]
               for reason in items["environments/production"]["reasons"])
    matrix = json.loads(run_cli("affected", "--base", base, "--format", "github-matrix", cwd=repo).stdout)
    # "environments/prod*" matches the new path too: it stays in the prod stage.
    assert matrix == {"include": [{"path": "environments/production", "name": "production", "stage": "prod",
                                   "stage_index": 2, "roots": ["environments/production"],
                                   "names": ["production"], "count": 1}]}
    text = run_cli("affected", "--base", base, cwd=repo).stdout
    assert "Deleted roots" in text and "environments/bootstrap was deleted" in text


def backdate(repo: Path, seconds: float = 60) -> None:
    """Date the work tree's files back, as files checked out a while before the run are."""
    when = time.time() - seconds
    for path in repo.rglob("*"):
        if ".git" not in path.parts and path.is_file():
            os.utime(path, (when, when))


def test_cache_gives_the_same_answer_and_notices_edits(monorepo):
    repo, base = monorepo
    write(repo, {"terraform/modules/vpc/main.tf": "# v2\n"})
    commit(repo)
    backdate(repo)
    cold = find_affected(base, start=repo)
    assert cold.stats["parsed"] > 0
    warm = find_affected(base, start=repo)
    assert warm.stats["parsed"] == 0 and warm.stats["read"] == 0
    assert [r.path for r in warm.roots] == [r.path for r in cold.roots]
    # prod stops using vpc: the cached view of prod/main.tf must not survive the edit.
    write(repo, {"environments/prod/main.tf": VERSIONS})
    commit(repo)
    after = find_affected(base, start=repo)
    assert "environments/prod" in [r.path for r in after.roots]
    assert [r.kind for r in next(r for r in after.roots if r.path == "environments/prod").reasons] \
        == ["root-file"]
    assert (repo / ".git" / "pipeline-tools-cache" / "affected.json").exists()


def test_bad_input_is_one_line_error(monorepo, tmp_path):
    repo, _ = monorepo
    assert_one_line_error(run_cli("affected", "--base", "no-such-ref", cwd=repo))
    assert_one_line_error(run_cli("affected", "--base", "HEAD", "--root-dir", "nowhere", cwd=repo))
    assert_one_line_error(run_cli("affected", "--base", "--output=x", cwd=repo))
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    assert_one_line_error(run_cli("affected", "--base", "HEAD", cwd=outside))


def test_module_scanner_handles_strings_comments_and_heredocs():
    text = (
        'locals {\n  x = "}"\n}\n'
        'module "a" {\n  source = "./a"\n  doc = <<EOT\n}}} module "fake" {\nEOT\n'
        '  s = "${jsonencode({ k = "}" })}"\n  # }\n  /* } */\n}\n'
        'module "b" {\n  source = "../b"\n}\n'
        'module "remote" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
    )
    assert hclscan.module_calls(text) == [("a", "./a"), ("b", "../b"),
                                           ("remote", "terraform-aws-modules/vpc/aws")]
    assert hclscan.local_sources(text) == ["../b", "./a"]


def test_cache_rereads_a_file_changed_within_the_timestamp_granularity(monorepo):
    """An edit that keeps size and mtime (coarse timestamps) right after a run must still be seen."""
    repo, base = monorepo
    git(repo, "rm", "-q", "environments/prod/.terraform.lock.hcl")
    commit(repo)
    prod = repo / "environments" / "prod" / "main.tf"
    before = find_affected(base, start=repo)
    assert [r.path for r in before.roots] == ["environments/prod"]
    stat = prod.stat()
    # Same length, same mtime: only the content says that prod now calls network, not vpc.
    edited = prod.read_text().replace('"../../terraform/modules/vpc"', '"../../terraform/modules/net"')
    assert len(edited) == len(prod.read_text())
    prod.write_text(edited)
    os.utime(prod, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (repo / "terraform" / "modules" / "net").mkdir()
    (repo / "terraform" / "modules" / "net" / "main.tf").write_text("# net\n")
    commit(repo)
    after = find_affected(base, start=repo)
    reasons = {r.kind for root in after.roots for r in root.reasons if root.path == "environments/prod"}
    assert "module" in reasons, "the cached view of the edited file was used"


def github_outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_github_outputs_give_the_plan_matrix_and_one_apply_matrix_per_stage(monorepo, tmp_path: Path):
    """What terraform-pr.yml and terraform-apply.yml read from one `affected` call (no jq)."""
    repo, base = monorepo
    vpc = 'resource "aws_vpc" "this" {\n  cidr_block = "10.1.0.0/16"\n}\n'
    write(repo, {"terraform/modules/vpc/main.tf": vpc,
                 "environments/dev-eu/main.tf": module_call("vpc", "../../terraform/modules/vpc")})
    git(repo, "rm", "-q", "-r", "environments/bootstrap")
    head = commit(repo)
    outputs_file = tmp_path / "github_output"
    outputs_file.write_text("earlier=kept\n")
    summary = tmp_path / "summary.md"
    result = run_cli("affected", "--base", base, "--head", head, "--github-output", str(outputs_file),
                     "--apply-stages", "--step-summary", "--max-jobs", "3", cwd=repo,
                     env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"})
    assert result.returncode == 0, result.stderr
    outputs = github_outputs(outputs_file)
    assert outputs["earlier"] == "kept"  # appended, as GitHub expects
    assert outputs["any"] == "true"
    assert json.loads(outputs["names"]) == ["dev", "dev-eu", "prod", "staging"]
    # The plan matrix keeps to --max-jobs (grouped); the apply matrices are one job per root.
    assert [e["count"] for e in json.loads(outputs["matrix"])["include"]] == [2, 1, 1]
    assert outputs["deleted"] == "1"
    assert "::warning::roots were deleted" in result.stderr and "environments/bootstrap" in result.stderr
    # Stage jobs 0..5: dev, staging, prod in apply order with their GitHub environments, then empty.
    stages = [json.loads(outputs[f"stage-{k}"])["include"] for k in range(6)]
    assert [[(e["path"], e["github_environment"]) for e in stage] for stage in stages] == [
        [("environments/dev", "dev"), ("environments/dev-eu", "dev")], [("environments/staging", "staging")],
        [("environments/prod", "prod")], [], [], []]
    assert "environments/dev (stage dev)" in summary.read_text()


def test_base_fallback_compares_with_the_parent_when_the_push_has_no_usable_base(monorepo, tmp_path: Path):
    repo, _ = monorepo
    write(repo, {"environments/prod/terraform.tfvars": 'name = "prod"\n'})
    head = commit(repo)
    for base in ("", "0" * 40, "1234567" * 5 + "12345"):  # new branch; force-pushed away
        outputs_file = tmp_path / "out"
        outputs_file.write_text("")
        result = run_cli("affected", "--base", base, "--base-fallback", "--head", head,
                         "--github-output", str(outputs_file), cwd=repo)
        assert result.returncode == 0, result.stderr
        assert json.loads(github_outputs(outputs_file)["names"]) == ["prod"]
        assert f"comparing with {head}~1" in result.stderr
        assert "stage-0" not in github_outputs(outputs_file)  # without --apply-stages
    # Without the option an unknown base is an error, as before.
    refused = run_cli("affected", "--base", "1234567" * 5 + "12345", "--head", head, cwd=repo)
    assert refused.returncode != 0 and refused.stderr.startswith("error: ")


def test_the_repository_layout_plans_every_environment_through_the_platform(tmp_path: Path):
    """This repository's own roots and modules: environments -> terraform/platform -> modules."""
    import shutil

    from tests.support.paths import REPO_ROOT

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for directory in ("terraform", "environments"):
        shutil.copytree(REPO_ROOT / directory, repo / directory, ignore=shutil.ignore_patterns(".terraform"))
    base = commit(repo, "the platform as committed")

    ecs = repo / "terraform/modules/ecs/main.tf"
    ecs.write_text(ecs.read_text() + "\n# tweak\n")
    commit(repo)
    roots = affected(repo, base)
    assert sorted(roots) == ["environments/dev", "environments/prod", "environments/staging"]
    vias = {reason["via"] for reason in roots["environments/prod"]["reasons"]}
    assert "module.platform.module.ecs" in vias
    text = [reason["text"] for reason in roots["environments/dev"]["reasons"]]
    assert "terraform/modules/ecs changed, used via module.platform.module.ecs" in text

    base = git(repo, "rev-parse", "HEAD")
    platform = repo / "terraform/platform/main.tf"
    platform.write_text(platform.read_text() + "\n# tweak\n")
    commit(repo)
    roots = affected(repo, base)
    assert sorted(roots) == ["environments/dev", "environments/prod", "environments/staging"]
    assert roots["environments/staging"]["reasons"][0]["text"] == (
        "terraform/platform changed, used via module.platform")

    # An environment's own sizing plans that environment only.
    base = git(repo, "rev-parse", "HEAD")
    tfvars = repo / "environments/staging/terraform.tfvars"
    tfvars.write_text(tfvars.read_text() + "\n# tweak\n")
    commit(repo)
    assert sorted(affected(repo, base)) == ["environments/staging"]
