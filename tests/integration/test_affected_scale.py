"""``affected --format github-matrix`` on a generated monorepo of 1,000 roots (real git, real CLI).

Every root calls one shared local module; changing it affects all 1,000, four times GitHub's
matrix limit. The matrix must still fit, plan every root exactly once and keep the stage order.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.support.cli import assert_one_line_error, run_cli

STAGES = {"dev": 400, "staging": 350, "prod": 249}  # + environments/bootstrap, which no stage matches
SHARED_CALL = 'module "shared" {\n  source = "../../modules/shared"\n  name   = "%s"\n}\n'


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
        env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
             "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(repo), "PATH": "/usr/bin:/bin"},
    )
    return completed.stdout.strip()


@pytest.fixture(scope="module")
def thousand_roots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    """The repository, the commit before the shared module changed, and every root's path."""
    repo = tmp_path_factory.mktemp("monorepo")
    git(repo, "init", "-q", "-b", "main")
    shared = repo / "modules" / "shared"
    shared.mkdir(parents=True)
    (shared / "main.tf").write_text('variable "name" {\n  type = string\n}\n')
    paths = ["environments/bootstrap"] + [f"environments/{stage}-{i:03d}"
                                           for stage, count in STAGES.items() for i in range(count)]
    for path in paths:
        root = repo / path
        root.mkdir(parents=True)
        (root / "main.tf").write_text(SHARED_CALL % path.rsplit("/", 1)[1])
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1,000 roots")
    base = git(repo, "rev-parse", "HEAD")
    (shared / "main.tf").write_text('variable "name" {\n  type        = string\n  description = "x"\n}\n')
    git(repo, "commit", "-q", "-am", "change the shared module")
    return repo, base, paths


def matrix(repo: Path, base: str, *extra: str) -> list[dict]:
    result = run_cli("affected", "--base", base, "--format", "github-matrix", *extra, cwd=repo)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document) == ["include"]  # any other key would become a matrix dimension
    return document["include"]


def stage_of(path: str) -> str:
    name = path.rsplit("/", 1)[1]
    return next((stage for stage in STAGES if name.startswith(stage)), "")


def assert_every_root_once_in_stage_order(entries: list[dict], paths: list[str], limit: int) -> None:
    assert len(entries) <= limit
    planned = Counter(root for entry in entries for root in entry["roots"])
    assert planned == Counter(paths), "each affected root must be in exactly one entry"
    for entry in entries:
        assert {stage_of(root) for root in entry["roots"]} == {entry["stage"]}, entry["name"]
        assert entry["count"] == len(entry["roots"]) == len(entry["names"])
    order = [entry["stage_index"] for entry in entries]
    assert order == sorted(order)
    assert next(entry["stage"] for entry in entries if entry["stage"]) == "dev"
    assert entries[-1]["stage"] == ""  # bootstrap, matched by no stage, comes last
    names = [entry["name"] for entry in entries]
    assert len(set(names)) == len(names)  # artifact names must not collide


def test_a_shared_module_changed_under_1000_roots_fits_githubs_matrix(thousand_roots):
    repo, base, paths = thousand_roots
    entries = matrix(repo, base)
    assert len(entries) == 256  # 1,000 roots: every one of GitHub's jobs is used, no more
    assert_every_root_once_in_stage_order(entries, paths, 256)
    for stage in STAGES:
        sizes = {entry["count"] for entry in entries if entry["stage"] == stage}
        assert max(sizes) - min(sizes) <= 1, (stage, sizes)  # balanced by count without timings
    # Deterministic: the same change gives the same matrix.
    assert matrix(repo, base) == entries


def test_a_lower_cap_and_one_stage_at_a_time(thousand_roots):
    repo, base, paths = thousand_roots
    entries = matrix(repo, base, "--max-jobs", "20")
    assert_every_root_once_in_stage_order(entries, paths, 20)
    prod = matrix(repo, base, "--stage", "prod", "--max-jobs", "20")
    assert len(prod) == 20 and {entry["stage"] for entry in prod} == {"prod"}
    assert sum(entry["count"] for entry in prod) == STAGES["prod"]
    stages = json.loads(run_cli("affected", "--base", base, "--format", "github-stages", "--max-jobs", "20",
                                cwd=repo).stdout)
    assert [(stage["name"], stage["roots"]) for stage in stages] == [
        ("dev", 400), ("staging", 350), ("prod", 249), ("", 1)]
    assert [stage["required_reviewers"] for stage in stages] == [False, False, True, False]
    assert sum(stage["jobs"] for stage in stages) == len(entries)
    text = run_cli("affected", "--base", base, cwd=repo).stdout
    assert "\nenvironments/prod-000 (stage prod)\n" in text
    assert "\nenvironments/bootstrap (no stage: not applied)\n" in text


def test_timings_and_the_repository_config_shape_the_groups(thousand_roots, tmp_path):
    repo, base, paths = thousand_roots
    # prod roots are slow (10 min), the rest quick (1 min): prod gets more jobs than its share of roots.
    timings = tmp_path / "timings.json"
    timings.write_text(json.dumps({path: 600 if stage_of(path) == "prod" else 60 for path in paths}))
    entries = matrix(repo, base, "--timings", str(timings), "--max-jobs", "100")
    assert_every_root_once_in_stage_order(entries, paths, 100)
    jobs = Counter(entry["stage"] for entry in entries)
    assert jobs["prod"] > jobs["dev"]
    prod_loads = [entry["seconds"] for entry in entries if entry["stage"] == "prod"]
    assert max(prod_loads) - min(prod_loads) <= 600
    # A configuration with its own stages and cap: one stage for everything not prod.
    config = tmp_path / "pipeline-tools.yml"
    config.write_text('version: 1\nmatrix: {max_jobs: 10}\nstages:\n'
                      '  - {name: early, roots: ["environments/dev*", "environments/staging*"]}\n'
                      '  - {name: prod, roots: ["environments/prod*"], required_reviewers: true}\n')
    entries = matrix(repo, base, "--config", str(config))
    assert len(entries) == 10
    assert [entry["stage"] for entry in entries][:1] == ["early"]
    assert Counter(root for entry in entries for root in entry["roots"]) == Counter(paths)


def test_bad_matrix_input_is_one_line(thousand_roots, tmp_path):
    repo, base, _ = thousand_roots
    assert_one_line_error(run_cli("affected", "--base", base, "--format", "github-matrix",
                                  "--max-jobs", "300", cwd=repo))
    assert_one_line_error(run_cli("affected", "--base", base, "--format", "github-matrix",
                                  "--max-jobs", "2", cwd=repo))  # 4 stages cannot share 2 jobs
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert_one_line_error(run_cli("affected", "--base", base, "--format", "github-matrix",
                                  "--timings", str(bad), cwd=repo))
    missing = run_cli("affected", "--base", base, "--format", "github-matrix", "--max-jobs", "4",
                      "--timings", str(tmp_path / "none.json"), cwd=repo)
    assert missing.returncode == 0 and "balanced by count" in missing.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nstages:\n  - {name: dev, roots: [x], aproval: true}\n")
    assert_one_line_error(run_cli("affected", "--base", base, "--config", str(broken), cwd=repo))
