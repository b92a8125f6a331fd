"""Benchmark: `pipeline-tools plan cost` on a plan of ~24,000 resource changes.

The plan is a real one scaled up: by default this script plans tests/tf/cost (the platform's
network, endpoints, database, cache and ECS modules) with terraform against a fresh local moto
server (about half a minute), or it takes ``--plan FILE`` (any ``terraform show -json`` output).
Its resource changes are repeated under numbered modules until there are ``--resources`` of them
(tests/plan_scenarios.py ``scale_plan``, as the `plan summarize` benchmark does).

Printed figures (best of ``--repeat`` runs, each command in its own process): wall time and peak
RSS of ``plan cost --format json`` and ``--format markdown``, as ratios to the parse floor
``python -c 'import json; json.load(open(F))'`` on the same file (target: time <= 1.2x).
`plan cost` reads the plan with the loader of `plan summarize` (pipeline_tools/plan/load.py).

Run from the repository root: ``.venv/bin/python benchmarks/plan_cost.py`` (with
``PIPELINE_TOOLS_PROVIDER_MIRROR`` exported where the terraform registry is out of reach).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from bench_plan_summarize import measure  # noqa: E402


def real_plan(plan_path: Path | None) -> dict:
    if plan_path is not None:
        return json.loads(plan_path.read_text())
    from pipeline_tools.integrations.terraform import Terraform, terraform_env
    from pipeline_tools.local import emulator

    print("making a real plan: terraform plans tests/tf/cost against a fresh local moto server ...",
          flush=True)
    server = emulator.start()
    try:
        with tempfile.TemporaryDirectory(prefix="pt-bench-cost-") as workdir:
            modules = str(REPO_ROOT / "terraform" / "modules")
            for tf_file in (REPO_ROOT / "tests" / "tf" / "cost").glob("*.tf"):
                text = tf_file.read_text(encoding="utf-8").replace("../../../terraform/modules", modules)
                (Path(workdir) / tf_file.name).write_text(text, encoding="utf-8")
            terraform = Terraform(Path(workdir), env=terraform_env(server.env()))
            terraform.init(backend=False)
            terraform.plan(Path(workdir) / "plan.tfplan")
            return terraform.show_json(Path(workdir) / "plan.tfplan")
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, help="a real plan JSON to scale (default: run terraform)")
    parser.add_argument("--resources", type=int, default=24000, help="resource changes to reach")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (best is kept)")
    args = parser.parse_args()

    from tests.support.plan_scenarios import scale_plan

    base = real_plan(args.plan)
    per_copy = len(base.get("resource_changes") or [])
    if per_copy == 0:
        raise SystemExit("error: the plan has no resource changes to scale")
    copies = -(-args.resources // per_copy)
    big = scale_plan(base, copies)
    ok = True
    with tempfile.TemporaryDirectory(prefix="pt-bench-cost-") as tmp:
        plan_file = Path(tmp) / "big.plan.json"
        plan_file.write_text(json.dumps(big))
        del big
        print(f"plan: {copies * per_copy} resource changes ({copies} copies of {per_copy}), "
              f"{plan_file.stat().st_size / 1e6:.1f} MB")
        py = sys.executable
        floor_wall, floor_rss = measure([py, "-c", f"import json; json.load(open({str(plan_file)!r}))"],
                                        args.repeat)
        print(f"parse floor (json.load):  {floor_wall:6.3f} s  peak RSS {floor_rss / 1024:7.1f} MiB")
        for fmt in ("json", "markdown"):
            wall, rss = measure([py, "-m", "pipeline_tools", "plan", "cost", str(plan_file), "--region",
                                 "us-east-1", "--format", fmt], args.repeat)
            ratio = wall / floor_wall
            ok &= ratio <= 1.2
            print(f"plan cost --format {fmt:8s} {wall:6.3f} s  peak RSS {rss / 1024:7.1f} MiB   "
                  f"time {ratio:4.2f}x floor (target <= 1.2x)   RSS {rss / floor_rss:4.2f}x floor")
    print("target met" if ok else "target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
