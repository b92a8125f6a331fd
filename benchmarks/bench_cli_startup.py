"""Start-up time of ``pipeline-tools --help`` and of every subcommand's ``--help`` (target: < 0.3 s).

Each sample is a fresh ``python -m pipeline_tools ... --help`` process timed from outside (wall
clock, what a user waits for) and by the CPU time it used, side by side with a bare
``python -c pass``: the difference is what pipeline-tools adds to the interpreter. Reports the
median of N samples per command. The target is judged on CPU time (user + system), which equals the
wall clock of this single-threaded start-up on an idle machine but, unlike the wall clock, does not
grow when other processes share the cores.

    .venv/bin/python benchmarks/bench_cli_startup.py [--samples N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 0.3


def _subcommands() -> list[tuple[str, ...]]:
    """Every command path that has its own --help (``plan``, ``plan summarize``, ...)."""
    from pipeline_tools.cli.main import build_parser

    paths: list[tuple[str, ...]] = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    paths.append((*path, name))
                    walk(sub, (*path, name))

    walk(build_parser(), ())
    return paths


def _median_seconds(argv: list[str], samples: int) -> tuple[float, float]:
    """Median wall-clock seconds of ``argv`` over ``samples`` runs, and median child CPU seconds."""
    walls, cpus = [], []
    for _ in range(samples):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=11)
    args = parser.parse_args()
    bare_wall, bare_cpu = _median_seconds([sys.executable, "-c", "pass"], args.samples)
    print(f"samples per command: {args.samples}; medians, wall clock (CPU)")
    print(f"{'python -c pass':<40} {bare_wall * 1000:7.1f} ms ({bare_cpu * 1000:5.1f} ms)")
    worst = 0.0  # CPU seconds
    for path in [(), *_subcommands()]:
        wall, cpu = _median_seconds([sys.executable, "-m", "pipeline_tools", *path, "--help"], args.samples)
        worst = max(worst, cpu)
        label = " ".join(("pipeline-tools", *path, "--help"))
        print(f"{label:<40} {wall * 1000:7.1f} ms ({cpu * 1000:5.1f} ms)"
              f"  CPU +{(cpu - bare_cpu) * 1000:6.1f} ms over python")
    ok = worst < TARGET_SECONDS
    print(f"slowest: {worst * 1000:.1f} ms CPU (target < {TARGET_SECONDS * 1000:.0f} ms)")
    print("result: " + ("OK" if ok else "OVER TARGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
