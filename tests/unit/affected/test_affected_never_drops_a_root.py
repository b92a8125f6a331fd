"""``affected`` reads every root and module it needs or fails loudly: it never drops a root.

Real git repositories built per test, the real CLI in a subprocess (issue 11, item 5).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import assert_one_line_error, run_cli
from tests.unit.affected.test_affected import commit, git, module_call, write

MODULE_V1 = 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n'
MODULE_V2 = 'resource "aws_vpc" "this" {\n  cidr_block = "10.1.0.0/16"\n}\n'
NETWORK = "../../terraform/modules/network"


def _repo(tmp_path: Path, extra: dict[str, bytes]) -> tuple[Path, str]:
    """dev calls the network module; ``extra`` files are written as raw bytes."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {
        "terraform/modules/network/main.tf": MODULE_V1,
        "environments/dev/main.tf": module_call("network", NETWORK),
        "environments/prod/versions.tf": 'terraform {\n  required_version = ">= 1.6"\n}\n',
    })
    for relative, data in extra.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return repo, commit(repo, "initial")


def _change_module(repo: Path) -> None:
    write(repo, {"terraform/modules/network/main.tf": MODULE_V2})
    commit(repo)


def _affected(repo: Path, base: str):
    return run_cli("affected", "--base", base, "--format", "json", cwd=repo)


def test_a_root_whose_main_tf_starts_with_a_byte_order_mark_is_affected(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path, {})
    # terraform accepts a UTF-8 BOM; editors on Windows write one.
    (repo / "environments/staging").mkdir()
    bom_text = b"\xef\xbb\xbf" + module_call("network", NETWORK).encode()
    (repo / "environments/staging/main.tf").write_bytes(bom_text)
    base = commit(repo, "staging")
    _change_module(repo)
    result = _affected(repo, base)
    assert result.returncode == 0, result.stderr
    roots = {item["path"]: item for item in json.loads(result.stdout)}
    assert sorted(roots) == ["environments/dev", "environments/staging"]
    assert roots["environments/staging"]["reasons"][0]["via"] == "module.network"


def test_an_unquoted_module_label_is_still_followed(tmp_path: Path) -> None:
    """HCL allows ``module network {``; the block scanner only knows quoted labels, so the file is
    read whole by python-hcl2 rather than skipped."""
    unquoted = f'module network {{\n  source = "{NETWORK}"\n}}\n'.encode()
    repo, base = _repo(tmp_path, {"environments/staging/main.tf": unquoted})
    _change_module(repo)
    result = _affected(repo, base)
    assert result.returncode == 0, result.stderr
    assert "environments/staging" in {item["path"] for item in json.loads(result.stdout)}


def test_a_root_file_that_is_not_utf8_fails_naming_it(tmp_path: Path) -> None:
    latin1 = '# Zürich\n'.encode("latin-1") + module_call("network", NETWORK).encode()
    repo, base = _repo(tmp_path, {"environments/staging/main.tf": latin1})
    _change_module(repo)
    result = _affected(repo, base)
    assert_one_line_error(result, code=2)
    assert "environments/staging/main.tf" in result.stderr and "not UTF-8" in result.stderr


def test_a_utf16_module_file_fails_naming_it(tmp_path: Path) -> None:
    """A module calling another module, saved as UTF-16: its call cannot be read."""
    utf16 = module_call("vpc", "../vpc").encode("utf-16")
    repo, base = _repo(tmp_path, {"terraform/modules/network/vpc.tf": utf16,
                                  "terraform/modules/vpc/main.tf": MODULE_V1.encode()})
    write(repo, {"terraform/modules/vpc/main.tf": MODULE_V2})
    commit(repo)
    result = _affected(repo, base)
    assert_one_line_error(result, code=2)
    assert "terraform/modules/network/vpc.tf" in result.stderr


def test_a_syntax_error_in_a_calling_file_fails_naming_it(tmp_path: Path) -> None:
    """The module block that may call the changed module is not HCL: which module it calls
    cannot be known, so the run stops rather than guess."""
    broken = f'module "network" {{\n  source = "{NETWORK}"\n  name = = "x"\n}}\n'.encode()
    repo, base = _repo(tmp_path, {"environments/staging/main.tf": broken})
    _change_module(repo)
    result = _affected(repo, base)
    assert_one_line_error(result, code=2)
    assert "environments/staging/main.tf" in result.stderr and "not valid HCL" in result.stderr


def test_an_unreadable_file_in_a_root_fails_naming_it(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path, {})
    # A dangling symbolic link: listed as a .tf file of the root, but it cannot be opened.
    (repo / "environments/dev/shared.tf").symlink_to(repo / "nowhere" / "shared.tf")
    _change_module(repo)
    result = _affected(repo, base)
    assert_one_line_error(result, code=2)
    assert "environments/dev/shared.tf" in result.stderr and "cannot read" in result.stderr


def test_an_undecodable_file_outside_roots_and_modules_is_not_an_error(tmp_path: Path) -> None:
    """A stray fixture nobody calls cannot hide a module call of a root: it does not stop the run."""
    repo, base = _repo(tmp_path, {"tests/fixtures/broken.tf": b"\xff\xfe\x00garbage"})
    _change_module(repo)
    result = _affected(repo, base)
    assert result.returncode == 0, result.stderr
    assert [item["path"] for item in json.loads(result.stdout)] == ["environments/dev"]
