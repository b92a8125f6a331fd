"""Moving an environment onto ``terraform/platform`` replaces nothing.

The dev root as it was before the composition (tests/tf/flat-layout-dev: every module called from
the root) is applied on a moto server of its own, with bootstrap, through the same harness as
``make local-apply``. Then today's ``environments/dev`` takes its place, with the same state and the
same release, and is planned: the ``moved`` blocks must turn every old address into its new one,
so the plan holds moves and nothing else (no create, update, replace or destroy). Everything is
destroyed through the new layout at the end, which checks that the migrated state is whole.

It is the one apply of the old layout in the suite (about five minutes on the emulator).
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline_tools.local.local_apply import LocalRun, StepPrinter
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.terraform

FLAT_LAYOUT = REPO_ROOT / "tests" / "tf" / "flat-layout-dev"
# A released image, as every environment that is being migrated has: a real digest (the all-zero
# placeholder would mean "no release", which the platform scales to zero).
RELEASE = {"releases": {"api": {
    "repository": "platform/api",
    "digest": "sha256:" + "ab" * 32,
    "tag": "v1.0.0",
    "source_commit": "0123456789abcdef0123456789abcdef01234567",
}}}
ROOT_FILES = ("*.tf", "terraform.tfvars", ".terraform.lock.hcl")
# The flat layout had exactly one service, sized by its `service` variable; today's dev declares
# more. The migration is checked with the services the old state holds (the old sizing, written
# the new way); adding services is an ordinary change after it.
# (A var file, not -var: the root's pass-through variables are untyped, and terraform takes an
# untyped -var value as a string.)
# Also: the package stays uploaded by hand, as the old layout had it. Letting terraform publish it
# (deployer_package_path) is a change of its own after the switch: the object is created and both
# functions take its version (docs/terraform.md). So is the budget the old layout did not have, and
# so are the add-ons it did not have (service discovery registers the running services, AWS Backup
# starts backing up the database, the uploads pipeline is new: changes of their own after the
# switch, not part of it). The
# deployment alarms (issue 13) would update the service in place: they are turned on after the
# switch too.
OLD_SERVICES = """services = {
  api = {
    cpu = 256, memory = 512, desired_count = 1, min_capacity = 1, max_capacity = 2
    enable_execute_command = true
    deployment_alarms = { enable = false }
  }
}
deployer_package_path = null
budget                = null
add_ons = {
  service_discovery = false, backups = { enabled = false }, uploads = { enabled = false }
}
"""


def _place(source: Path, target: Path) -> None:
    """Make ``target`` hold exactly the root files of ``source`` and the test's release file."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for pattern in ROOT_FILES:
        for path in source.glob(pattern):
            shutil.copy2(path, target / path.name)
    (target / "release.auto.tfvars.json").write_text(json.dumps(RELEASE, indent=2))


def _route_alarms_like_today(flat_tfvars: Path) -> None:
    """The step before the switch (docs/terraform.md): main's dev routes its alarms nowhere
    (``alarm_email_addresses = []``), which the platform refuses, so the user sets today's
    destination on the old layout first (an ordinary change there); the switch itself then only
    moves."""
    import hcl2

    with (REPO_ROOT / "environments" / "dev" / "terraform.tfvars").open() as handle:
        wanted = hcl2.load(handle)["alarm_email_addresses"]
    assert wanted, "today's dev routes its alarms to an address"
    text = flat_tfvars.read_text()
    assert "alarm_email_addresses = []" in text
    flat_tfvars.write_text(text.replace("alarm_email_addresses = []",
                                        f"alarm_email_addresses = {json.dumps(wanted)}"))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalRun, dict]]:
    """Old layout applied, new layout planned on the same state: (run, plan JSON)."""
    repo = tmp_path_factory.mktemp("repo")
    # Module sources are relative (../../terraform/...): the modules and the composition are
    # today's, only the root changes.
    (repo / "terraform").symlink_to(REPO_ROOT / "terraform", target_is_directory=True)
    shutil.copytree(REPO_ROOT / "environments" / "bootstrap", repo / "environments" / "bootstrap",
                    ignore=shutil.ignore_patterns(".terraform"))
    _place(FLAT_LAYOUT, repo / "environments" / "dev")
    assert not (repo / "environments" / "dev" / "moved.tf").exists()
    _route_alarms_like_today(repo / "environments" / "dev" / "terraform.tfvars")

    run = LocalRun("dev", root=repo, printer=StepPrinter(io.StringIO()), reuse_recorded_emulator=False)
    try:
        run.up()
        _place(REPO_ROOT / "environments" / "dev", repo / "environments" / "dev")
        tf = run.terraform("dev")
        tf.init(backend_config={"bucket": run.state_bucket, "key": "dev/terraform.tfstate",
                                "region": "us-east-1", "use_path_style": "true"})
        planfile = run.workdir / "migration.tfplan"
        old_services = run.workdir / "old-services.tfvars"
        old_services.write_text(OLD_SERVICES)
        tf.plan(planfile, *run.var_args("dev"), f"-var-file={old_services}", detailed_exitcode=True)
        yield run, tf.show_json(planfile)
    finally:
        if run.applied or run.started_emulator:
            run.down()


def test_the_old_layout_applied_every_module_at_the_root(migrated: tuple[LocalRun, dict]):
    run, _ = migrated
    # The flat layout really was flat: its outputs came from modules called by the root.
    assert run.env_outputs["cluster_name"]["value"] == "platform-dev"
    assert "module \"ecs\"" in (FLAT_LAYOUT / "main.tf").read_text()


# What the platform adds that no old root had and no pass-through variable of the environment
# roots turns off: the switch creates it, and touches nothing else (docs/terraform.md).
ADDED_BY_THE_PLATFORM = ("module.platform.module.endpoint_health[0].",)


def test_switching_to_the_platform_only_moves_resources(migrated: tuple[LocalRun, dict]):
    _, plan = migrated
    changes = plan["resource_changes"]
    added = [c for c in changes if c["address"].startswith(ADDED_BY_THE_PLATFORM)]
    assert added and all(c["change"]["actions"] in (["create"], ["read"]) for c in added)
    changes = [c for c in changes if c not in added]
    not_moves = sorted(f"{c['address']} {'/'.join(c['change']['actions'])}" for c in changes
                       if c["change"]["actions"] not in (["no-op"], ["read"]))
    assert not not_moves, "the migration plan changes more than addresses:\n" + "\n".join(not_moves)

    managed = [c for c in changes if c["mode"] == "managed"]
    assert len(managed) > 100
    # Every managed resource of the old root moved under module.platform: none is left behind,
    # none is new.
    unmoved = [c["address"] for c in managed if not c.get("previous_address")]
    assert not unmoved, f"{len(unmoved)} resources did not move: {unmoved[:20]}"
    assert all(c["address"].startswith("module.platform.") for c in managed)
    moved_to = {c["address"]: c["previous_address"] for c in managed}
    # The network, the service, its cluster (now counted inside the ecs module, moved twice), the
    # frontend's certificate, the deploy trigger (now counted):
    assert moved_to["module.platform.module.network.aws_vpc.this"] == "module.network.aws_vpc.this"
    assert moved_to["module.platform.module.ecs.aws_ecs_service.this"] == "module.ecs.aws_ecs_service.this"
    assert "module.platform.module.ecs.aws_ecs_cluster.this[0]" in moved_to
    assert moved_to["module.platform.aws_acm_certificate.frontend"] == "aws_acm_certificate.frontend"
    for flat, counted in (("module.deploy_trigger.", "module.platform.module.deploy_trigger[0]."),
                          ("module.alarm_chat.", "module.platform.module.alarm_chat[0].")):
        moved_here = [new for new, old in moved_to.items() if old.startswith(flat)]
        assert moved_here and all(new.startswith(counted) for new in moved_here), flat
