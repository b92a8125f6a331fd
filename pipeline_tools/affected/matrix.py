"""Affected roots as GitHub matrix entries, within GitHub's limit of 256 jobs per matrix (pure).

Up to ``max_jobs`` roots, every root gets a job of its own. Beyond that, roots are planned in
groups, one job per group, by this rule (docs/affected.md, "Matrices at scale"):

1. Roots are split by stage first: a group never mixes stages, so plan and apply can go stage by
   stage. Roots no stage matches form a last pseudo-stage, ``""``.
2. Each stage gets one job, then the remaining jobs go one at a time to the stage whose jobs
   would each carry the most work (its total weight / its jobs), never more jobs than roots.
3. Inside a stage, roots are dealt heaviest first to the lightest group so far (longest processing
   time first, ties by path and group number), which keeps the groups' total plan time close.
4. A root's weight is its recent plan time in seconds from the timings file; a root missing
   from it weighs the median of the known ones; without timings every root weighs 1, which
   makes the groups of a stage differ in size by at most one root.

Everything is sorted before it is dealt, so the same input always gives the same matrix.
"""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline_tools.affected.model import AffectedRoot
from pipeline_tools.config.model import GITHUB_MATRIX_LIMIT, RepoConfig
from pipeline_tools.core.errors import InputError

UNSTAGED = ""


@dataclass(frozen=True)
class MatrixEntry:
    """One job: a stage and the roots it plans (or applies)."""

    stage: str
    stage_index: int
    roots: tuple[AffectedRoot, ...]
    # 1-based position among the stage's groups, and how many groups the stage has; 0 when the
    # matrix is not grouped (one root per job).
    group: int = 0
    groups: int = 0
    seconds: float | None = None  # estimated plan time, when timings were known

    @property
    def name(self) -> str:
        """The job's label and artifact name: the root's name, or ``<stage>-group-<i>-of-<n>``.

        Artifact names and the plan comment's environment names cannot hold ``/``, so a nested
        root's name (``us-east-1/dev``) is written with ``--`` (``us-east-1--dev``)."""
        if len(self.roots) == 1 and not self.groups:
            return self.roots[0].name.replace("/", "--")
        return f"{self.stage or 'unstaged'}-group-{self.group}-of-{self.groups}"

    def to_json(self) -> dict[str, Any]:
        single = len(self.roots) == 1 and not self.groups
        entry: dict[str, Any] = {
            "name": self.name,
            "path": self.roots[0].path if single else "",
            "stage": self.stage,
            "stage_index": self.stage_index,
            "roots": [root.path for root in self.roots],
            "names": [root.name for root in self.roots],
            "count": len(self.roots),
        }
        if self.seconds is not None:
            entry["seconds"] = round(self.seconds, 1)
        return entry


def stage_of(root_path: str, config: RepoConfig) -> tuple[str, int]:
    stage = config.stage_for(root_path)
    if stage is None:
        return UNSTAGED, len(config.stages)
    return stage.name, config.stage_index(stage.name)


def build_matrix(roots: Sequence[AffectedRoot], config: RepoConfig, *,
                 max_jobs: int = GITHUB_MATRIX_LIMIT, timings: Mapping[str, float] | None = None,
                 stage: str | None = None) -> list[MatrixEntry]:
    """The matrix entries for ``roots``, in stage order, at most ``max_jobs`` of them.

    ``stage`` keeps only that stage's roots (``""`` for roots no stage matches); the limit then
    applies to that stage alone. Raises InputError when more stages have roots than ``max_jobs``.
    """
    if not 1 <= max_jobs <= GITHUB_MATRIX_LIMIT:
        raise InputError(f"--max-jobs {max_jobs}: expected 1 to {GITHUB_MATRIX_LIMIT} "
                         "(GitHub's matrix limit)")
    if stage is not None and stage != UNSTAGED and stage not in {s.name for s in config.stages}:
        names = ", ".join(s.name for s in config.stages)
        raise InputError(f"--stage {stage!r}: no such stage in {config.source} (stages: {names})")
    by_stage: dict[tuple[int, str], list[AffectedRoot]] = {}
    for root in roots:
        name, index = stage_of(root.path, config)
        if stage is None or name == stage:
            by_stage.setdefault((index, name), []).append(root)
    buckets = sorted(by_stage.items())
    for _, members in buckets:
        members.sort(key=lambda root: root.path)
    known = [seconds for seconds in (timings or {}).values()]
    default_weight = statistics.median(known) if known else 1.0
    weigh = (lambda root: float(timings.get(root.path, default_weight))) if timings else (lambda root: 1.0)
    estimate = bool(timings)

    total = sum(len(members) for _, members in buckets)
    if total <= max_jobs:
        return [MatrixEntry(name, index, (root,), seconds=weigh(root) if estimate else None)
                for (index, name), members in buckets for root in members]
    if len(buckets) > max_jobs:
        raise InputError(f"{len(buckets)} stages have affected roots, more than the {max_jobs} jobs "
                         "allowed: raise --max-jobs (a job never mixes stages)")

    weights = [[weigh(root) for root in members] for _, members in buckets]
    slots = _allot_slots([sum(w) for w in weights], [len(members) for _, members in buckets], max_jobs)
    entries: list[MatrixEntry] = []
    for ((index, name), members), member_weights, count in zip(buckets, weights, slots, strict=True):
        groups = _deal(members, member_weights, count)
        for number, (load, group) in enumerate(groups, start=1):
            entries.append(MatrixEntry(name, index, tuple(group), group=number, groups=len(groups),
                                       seconds=load if estimate else None))
    return entries


def _allot_slots(loads: list[float], sizes: list[int], max_jobs: int) -> list[int]:
    """Jobs per stage: one each, then each further job to the stage with the most work per job."""
    slots = [1] * len(loads)
    # Max-heap on work per job; ties go to the earlier stage.
    heap = [(-load, index) for index, load in enumerate(loads) if sizes[index] > 1]
    heapq.heapify(heap)
    for _ in range(max_jobs - len(loads)):
        if not heap:
            break
        _, index = heapq.heappop(heap)
        slots[index] += 1
        if slots[index] < sizes[index]:
            heapq.heappush(heap, (-loads[index] / slots[index], index))
    return slots


def _deal(members: list[AffectedRoot], weights: list[float],
          count: int) -> list[tuple[float, list[AffectedRoot]]]:
    """Longest processing time first: heaviest root to the lightest group so far."""
    order = sorted(range(len(members)), key=lambda i: (-weights[i], members[i].path))
    heap = [(0.0, number) for number in range(count)]
    groups: list[list[AffectedRoot]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for i in order:
        load, number = heapq.heappop(heap)
        groups[number].append(members[i])
        loads[number] = load + weights[i]
        heapq.heappush(heap, (loads[number], number))
    dealt = [(loads[n], sorted(groups[n], key=lambda root: root.path)) for n in range(count) if groups[n]]
    # Listed by their first root, so a reader finds a root's group in a sorted list.
    return sorted(dealt, key=lambda item: item[1][0].path)


def parse_timings(data: Any, source: str) -> dict[str, float]:
    """A timings file: ``{"<root path>": <seconds>, ...}`` (pure; the caller reads the file)."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object mapping root paths to plan seconds")
    timings: dict[str, float] = {}
    for path, seconds in data.items():
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < 1e7:
            raise InputError(f"{source}: {path!r}: expected plan seconds as a non-negative number, "
                             f"got {seconds!r}")
        timings[str(path).strip("/")] = float(seconds)
    return timings
