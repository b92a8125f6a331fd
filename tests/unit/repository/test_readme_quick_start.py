"""The README's quick start is exactly two commands on a fresh machine: `make demo`, `make test`."""

from __future__ import annotations

import re

from tests.support.paths import REPO_ROOT


def test_the_quick_start_is_make_demo_then_make_test_and_both_targets_exist():
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    makefile = (REPO_ROOT / "Makefile").read_text()
    for target in ("demo", "test"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    # `make demo` runs the workflow files (issue 18), not a copy of their logic.
    demo_recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "pipeline_tools.local.loop_demo" in demo_recipe
