"""Without the optional ``local`` extra (moto[server]), ``pipeline-tools local up`` says so in one
line and exits 3, writing nothing; the rest of the CLI does not need moto.

moto is installed in the test environment, so the test hides it the way Python reports a module
that is not installed: an import hook raising ModuleNotFoundError for ``moto`` (and ``flask``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.cli import CliResult, assert_one_line_error

WITHOUT_MOTO = """
import sys

class HideLocalExtra:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"moto", "flask"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, HideLocalExtra())
from pipeline_tools.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def run_without_moto(*args: str, cwd: Path) -> CliResult:
    completed = subprocess.run([sys.executable, "-c", WITHOUT_MOTO, *args], capture_output=True,
                               text=True, cwd=cwd, timeout=120, check=False)
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def test_local_up_without_the_extra_is_one_line_and_exit_3(tmp_path: Path) -> None:
    result = run_without_moto("local", "up", cwd=tmp_path)
    assert_one_line_error(result, code=3)
    assert "pipeline-tools[local]" in result.stderr
    assert not (tmp_path / ".pipeline-tools").exists(), "nothing may be written"


def test_the_product_commands_run_without_the_extra(tmp_path: Path) -> None:
    result = run_without_moto("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "local" in result.stdout
