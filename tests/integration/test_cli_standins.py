"""The ``tfsec`` stand-in the workflow runner puts on PATH, run as the workflows run it (a
subprocess); no ``gh`` stand-in any more (the workflows no longer call gh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline_tools.local import cli_standins
from pipeline_tools.local.github_standin import GitHubStandin


def _run(bin_dir: Path, standin: GitHubStandin, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_API_URL": standin.base_url, "GH_TOKEN": standin.token}
    return subprocess.run(list(args), env=env, text=True, capture_output=True, check=False, timeout=60)


def test_tfsec_stand_in_reports_no_findings(github_standin: GitHubStandin, tmp_path: Path) -> None:
    bin_dir = cli_standins.install(tmp_path / "bin")
    out = tmp_path / "tfsec.json"
    result = _run(bin_dir, github_standin, "tfsec", "environments/dev", "--format", "json", "--out", str(out))
    assert result.returncode == 0
    assert json.loads(out.read_text()) == {"results": None}


def test_no_gh_stand_in_is_installed_and_unknown_tools_are_refused(tmp_path: Path) -> None:
    bin_dir = cli_standins.install(tmp_path / "bin")
    assert sorted(p.name for p in bin_dir.iterdir()) == ["tfsec"]
    refused = subprocess.run([sys.executable, "-m", "pipeline_tools.local.cli_standins", "gh", "api", "user"],
                             text=True, capture_output=True, check=False, timeout=60)
    assert refused.returncode == 2 and refused.stderr == "error: no stand-in for gh\n"
