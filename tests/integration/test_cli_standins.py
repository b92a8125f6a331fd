"""The ``gh`` and ``tfsec`` stand-ins the workflow runner puts on PATH, run as the workflows run
them (a subprocess), ``gh`` against the GitHub API stand-in over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from pipeline_tools.local import cli_standins
from pipeline_tools.local.github_standin import GitHubStandin


def _run(bin_dir: Path, standin: GitHubStandin, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_API_URL": standin.base_url, "GH_TOKEN": standin.token}
    return subprocess.run(list(args), env=env, text=True, capture_output=True, check=False, timeout=60)


def test_gh_stand_in_does_what_the_workflows_ask_of_gh(github_standin: GitHubStandin, tmp_path: Path) -> None:
    bin_dir = cli_standins.install(tmp_path / "bin")
    github_standin.add_repo("acme/infra")
    number = github_standin.add_pull("acme/infra", labels=("promotion:prod",))

    labels = _run(bin_dir, github_standin, "gh", "api", f"repos/acme/infra/issues/{number}/labels",
                  "--jq", ".[].name")
    assert labels.returncode == 0, labels.stderr
    assert labels.stdout.splitlines() == ["promotion:prod"]

    added = _run(bin_dir, github_standin, "gh", "api", "--method", "POST",
                 f"repos/acme/infra/issues/{number}/labels", "-f", "labels[]=plan:destroy")
    assert added.returncode == 0, added.stderr
    issue = github_standin.repos["acme/infra"].issues[number]
    assert "plan:destroy" in [label["name"] for label in issue["labels"]]

    commented = _run(bin_dir, github_standin, "gh", "pr", "comment", str(number), "--repo", "acme/infra",
                     "--body", "terraform apply dev: applied")
    assert commented.returncode == 0, commented.stderr
    bodies = [c["body"] for c in github_standin.comments("acme/infra", number)]
    assert bodies == ["terraform apply dev: applied"]

    missing = _run(bin_dir, github_standin, "gh", "api", "repos/acme/nope/issues/1/labels")
    assert missing.returncode == 1 and "404" in missing.stderr
    unsupported = _run(bin_dir, github_standin, "gh", "release", "list")
    assert unsupported.returncode == 2 and unsupported.stderr.startswith("error: gh stand-in")


def test_tfsec_stand_in_reports_no_findings(github_standin: GitHubStandin, tmp_path: Path) -> None:
    bin_dir = cli_standins.install(tmp_path / "bin")
    out = tmp_path / "tfsec.json"
    result = _run(bin_dir, github_standin, "tfsec", "environments/dev", "--format", "json", "--out", str(out))
    assert result.returncode == 0
    assert json.loads(out.read_text()) == {"results": None}
