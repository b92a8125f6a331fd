"""Capacity figures for docs/scale.md: jobs, runner minutes and GitHub API calls for N roots.

Not a measurement: a model whose inputs are printed first (change them with the flags), so every
figure in docs/scale.md can be re-derived. Group sizes come from the real grouping code
(``pipeline_tools.affected.matrix.build_matrix``) on generated roots.

    .venv/bin/python benchmarks/scale_model.py [--roots 1000] [--plan-seconds 75] [--apply-seconds 120]
"""

from __future__ import annotations

import argparse
import math

from pipeline_tools.affected.matrix import build_matrix
from pipeline_tools.affected.model import AffectedRoot
from pipeline_tools.config import default_config

TIERS = {"Free": 20, "Pro": 40, "Team": 60, "Enterprise": 500}  # concurrent standard Linux jobs


def roots(total: int) -> list[AffectedRoot]:
    """``total`` roots split 40/35/25 % over dev, staging and prod (the layout of the tests)."""
    dev, staging = round(total * 0.40), round(total * 0.35)
    counts = {"dev": dev, "staging": staging, "prod": total - dev - staging}
    return [AffectedRoot(f"environments/{stage}-{i:04d}", f"{stage}-{i:04d}")
            for stage, count in counts.items() for i in range(count)]


def billed(seconds: float) -> int:
    """GitHub bills each job in whole minutes, rounded up."""
    return math.ceil(seconds / 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roots", type=int, default=1000)
    parser.add_argument("--overhead-cold", type=float, default=95, help="job setup without caches (s)")
    parser.add_argument("--overhead-warm", type=float, default=20, help="job setup with warm caches (s)")
    parser.add_argument("--plan-seconds", type=float, default=75,
                        help="per root in a plan job: init, plan, show, tfsec, checkov, summary (s)")
    parser.add_argument("--apply-seconds", type=float, default=120,
                        help="per root in an apply job: init, re-plan, verify, apply (s)")
    args = parser.parse_args()
    config = default_config()
    all_roots = roots(args.roots)
    print(f"inputs: {args.roots} roots, job overhead {args.overhead_cold:.0f} s cold / "
          f"{args.overhead_warm:.0f} s warm, {args.plan_seconds:.0f} s plan and "
          f"{args.apply_seconds:.0f} s apply per root\n")

    print("PULL REQUEST (every root affected), plan jobs only (+1 affected job, +1 comment job)")
    print(f"{'max_jobs':>8} {'jobs':>5} {'roots/job':>9} {'job s':>6} {'billed min':>10} "
          + " ".join(f"{tier + ' wall':>15}" for tier in TIERS))
    for cap in (256, 60, 40, 20):
        entries = build_matrix(all_roots, config, max_jobs=cap)
        longest = max(len(entry.roots) for entry in entries)
        job_seconds = [args.overhead_warm + len(entry.roots) * args.plan_seconds for entry in entries]
        minutes = sum(billed(s) for s in job_seconds)
        walls = []
        for limit in TIERS.values():
            waves = math.ceil(len(entries) / limit)
            walls.append(f"{waves * max(job_seconds) / 60:13.0f} m")
        print(f"{cap:>8} {len(entries):>5} {args.roots / len(entries):>6.1f}({longest}) "
              f"{max(job_seconds):>6.0f} {minutes:>10} " + " ".join(f"{w:>15}" for w in walls))
    unlimited = args.roots * billed(args.overhead_warm + args.plan_seconds)
    print(f"(one job per root, were there no limit: {args.roots} jobs, {unlimited} billed minutes warm, "
          f"{args.roots * billed(args.overhead_cold + args.plan_seconds)} cold)\n")

    print("MERGE (apply stage by stage, dev -> staging -> prod; one matrix per stage capped at max_jobs)")
    print(f"{'max_jobs':>8} {'jobs':>5} {'billed min':>10} "
          + " ".join(f"{tier + ' wall':>15}" for tier in TIERS))
    for cap in (256, 60, 40, 20):
        total_minutes, jobs = 0, 0
        walls = dict.fromkeys(TIERS, 0.0)
        for stage in ("dev", "staging", "prod"):
            entries = build_matrix(all_roots, config, max_jobs=cap, stage=stage)
            seconds = [args.overhead_warm + len(entry.roots) * args.apply_seconds for entry in entries]
            total_minutes += sum(billed(s) for s in seconds)
            jobs += len(entries)
            for tier, limit in TIERS.items():  # stages run one after the other
                walls[tier] += math.ceil(len(entries) / limit) * max(seconds)
        print(f"{cap:>8} {jobs:>5} {total_minutes:>10} "
              + " ".join(f"{walls[tier] / 60:13.0f} m" for tier in TIERS))
    print("(walls exclude the wait for prod's reviewers; +1 affected job)")

if __name__ == "__main__":
    main()
