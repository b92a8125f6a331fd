"""Terraform's plugin cache and jobs that run at once (CI of stop 21: a matrix leg's `terraform
validate` failed while another leg ran `terraform init`).

Every `terraform init` of a root without a lock file deletes the cache's entry for each provider and
creates it again; a terraform starting in another root at that moment finds no provider. So the
local workflow runner gives each job a cache of its own, seeded from the shared one (as each GitHub
runner restores its own copy), and a CLI config for an unpacked mirror names no cache at all.
These tests run the real terraform against the provider mirror; they need it
(PIPELINE_TOOLS_PROVIDER_MIRROR).
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline_tools.integrations.terraform import (
    MIRROR_ENV,
    keep_new_providers,
    mirror_is_unpacked,
    seed_plugin_cache,
)

ROOT = """terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
"""
PROVIDER = Path("registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64")


@pytest.fixture
def mirror() -> Path:
    value = os.environ.get(MIRROR_ENV)
    if not value or not mirror_is_unpacked(value):
        pytest.skip("needs an unpacked provider mirror (PIPELINE_TOOLS_PROVIDER_MIRROR)")
    return Path(value)


def cli_config(tmp_path: Path, mirror: Path) -> Path:
    config = tmp_path / "terraformrc"
    config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    return config


def init(root: Path, config: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(ROOT)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_PLUGIN_CACHE_DIR": str(cache),
           "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    return subprocess.run(["terraform", f"-chdir={root}", "init", "-input=false", "-no-color"],
                          env=env, capture_output=True, text=True, check=False)


def test_an_init_without_a_lock_file_rewrites_the_cache_it_is_given(tmp_path: Path, mirror: Path) -> None:
    """Why jobs must not share one: terraform deletes and re-creates the shared entry (the name is
    gone for a moment). The entry's change time moves although nothing about it changed."""
    config, shared = cli_config(tmp_path, mirror), tmp_path / "shared"
    assert init(tmp_path / "first", config, shared).returncode == 0
    before = os.lstat(shared / PROVIDER).st_ctime_ns
    assert init(tmp_path / "second", config, shared).returncode == 0
    assert os.lstat(shared / PROVIDER).st_ctime_ns != before


def test_a_job_s_own_cache_leaves_the_shared_one_untouched(tmp_path: Path, mirror: Path) -> None:
    config, shared = cli_config(tmp_path, mirror), tmp_path / "shared"
    assert init(tmp_path / "warm", config, shared).returncode == 0
    before = os.lstat(shared / PROVIDER)

    def job(index: int) -> int:
        own = tmp_path / f"job-{index}.cache"
        seed_plugin_cache(shared, own)
        completed = init(tmp_path / f"job-{index}", config, own)
        keep_new_providers(own, shared)
        return completed.returncode

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(job, range(8))) == [0] * 8
    after = os.lstat(shared / PROVIDER)
    assert (after.st_ino, after.st_ctime_ns) == (before.st_ino, before.st_ctime_ns)
    # Each job's provider resolves to the mirror's.
    linked = tmp_path / "job-0" / ".terraform" / "providers" / PROVIDER
    assert linked.resolve() == (mirror / PROVIDER).resolve()


def test_a_downloaded_provider_is_kept_for_later_jobs_once(tmp_path: Path) -> None:
    """A provider a job unpacked itself (from the registry or a mirror of zips) is a directory in
    its cache: it is moved into the shared cache unless another job got there first."""
    shared, first, second = tmp_path / "shared", tmp_path / "first", tmp_path / "second"
    for own, content in ((first, "first"), (second, "second")):
        (own / PROVIDER).mkdir(parents=True)
        (own / PROVIDER / "terraform-provider-aws").write_text(content)
    keep_new_providers(first, shared)
    keep_new_providers(second, shared)
    assert (shared / PROVIDER / "terraform-provider-aws").read_text() == "first"
    assert [p.name for p in (shared / PROVIDER).parent.iterdir()] == ["linux_amd64"]  # no leftovers
    later = tmp_path / "later"
    seed_plugin_cache(shared, later)
    assert (later / PROVIDER).is_symlink() and (later / PROVIDER).resolve() == (shared / PROVIDER).resolve()


def test_a_cli_config_names_a_plugin_cache_only_for_a_mirror_of_zips(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline_tools.integrations.terraform import cli_config_for_mirror

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    unpacked, zips = tmp_path / "unpacked", tmp_path / "zips"
    (unpacked / PROVIDER).mkdir(parents=True)
    (zips / PROVIDER.parent.parent).mkdir(parents=True)
    (zips / PROVIDER.parent.parent / "terraform-provider-aws_5.100.0_linux_amd64.zip").write_bytes(b"PK")
    assert mirror_is_unpacked(unpacked) and not mirror_is_unpacked(zips)
    assert "plugin_cache_dir" not in cli_config_for_mirror(str(unpacked)).read_text()
    assert "plugin_cache_dir" in cli_config_for_mirror(str(zips)).read_text()
