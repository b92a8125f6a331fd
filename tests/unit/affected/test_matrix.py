"""Grouping affected roots into at most N matrix jobs, stage by stage (pure)."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline_tools.affected.matrix import build_matrix, parse_timings
from pipeline_tools.affected.model import AffectedRoot
from pipeline_tools.config import default_config
from pipeline_tools.core.errors import InputError

CONFIG = default_config()


def roots(*paths: str) -> list[AffectedRoot]:
    return [AffectedRoot(path=path, name=path.split("/", 1)[1]) for path in paths]


def test_below_the_cap_every_root_has_its_own_job_in_stage_order():
    entries = build_matrix(roots("environments/prod", "environments/bootstrap", "environments/dev-b",
                                 "environments/dev-a", "environments/staging"), CONFIG)
    assert [(e.stage, e.name) for e in entries] == [
        ("dev", "dev-a"), ("dev", "dev-b"), ("staging", "staging"), ("prod", "prod"), ("", "bootstrap")]
    assert entries[0].to_json() == {"name": "dev-a", "path": "environments/dev-a", "stage": "dev",
                                    "stage_index": 0, "roots": ["environments/dev-a"],
                                    "names": ["dev-a"], "count": 1}


def test_beyond_the_cap_groups_never_mix_stages_and_split_jobs_by_work():
    paths = [f"environments/dev-{i:02d}" for i in range(9)] + [f"environments/prod-{i}" for i in range(3)]
    entries = build_matrix(roots(*paths), CONFIG, max_jobs=4)
    assert len(entries) == 4
    # 9 dev roots and 3 prod roots: dev gets 3 jobs of 3 roots, prod 1 job of 3.
    assert [(e.stage, len(e.roots)) for e in entries] == [("dev", 3), ("dev", 3), ("dev", 3), ("prod", 3)]
    assert [e.name for e in entries] == ["dev-group-1-of-3", "dev-group-2-of-3", "dev-group-3-of-3",
                                         "prod-group-1-of-1"]
    assert entries[0].to_json()["path"] == ""  # a group has no single path: use "roots"
    assert Counter(r.path for e in entries for r in e.roots) == Counter(paths)


def test_timings_balance_groups_by_plan_time():
    paths = [f"environments/dev-{i}" for i in range(6)]
    # One slow root (10 min) and five quick ones (1 min): the slow one gets a job to itself.
    timings = {"environments/dev-0": 600, **{path: 60 for path in paths[1:]}}
    entries = build_matrix(roots(*paths), CONFIG, max_jobs=2, timings=timings)
    assert sorted((e.seconds, len(e.roots)) for e in entries) == [(300.0, 5), (600.0, 1)]
    # A root missing from the timings weighs the median of the known ones.
    partial = build_matrix(roots(*paths), CONFIG, max_jobs=3, timings={"environments/dev-0": 90,
                                                                       "environments/dev-1": 30})
    assert sorted(e.seconds for e in partial) == [120.0, 120.0, 120.0]


def test_the_same_input_gives_the_same_matrix():
    paths = [f"environments/{stage}-{i:03d}" for stage in ("dev", "staging", "prod") for i in range(150)]
    shuffled = list(reversed(paths))
    first = [e.to_json() for e in build_matrix(roots(*paths), CONFIG, max_jobs=100)]
    second = [e.to_json() for e in build_matrix(roots(*shuffled), CONFIG, max_jobs=100)]
    assert first == second and len(first) == 100


def test_one_stage_at_a_time_and_bad_limits():
    paths = [f"environments/{stage}-{i}" for stage in ("dev", "prod") for i in range(5)]
    prod = build_matrix(roots(*paths), CONFIG, stage="prod", max_jobs=2)
    assert {e.stage for e in prod} == {"prod"} and sum(len(e.roots) for e in prod) == 5 and len(prod) == 2
    with pytest.raises(InputError, match="more than the 1 jobs allowed"):
        build_matrix(roots(*paths), CONFIG, max_jobs=1)
    with pytest.raises(InputError, match="no such stage"):
        build_matrix(roots(*paths), CONFIG, stage="qa")
    with pytest.raises(InputError, match="expected 1 to 256"):
        build_matrix(roots(*paths), CONFIG, max_jobs=257)


@pytest.mark.parametrize("data", [[1, 2], {"environments/dev": "fast"}, {"environments/dev": -1},
                                  {"environments/dev": True}])
def test_malformed_timings_are_refused(data):
    with pytest.raises(InputError, match=r"timings\.json"):
        parse_timings(data, "timings.json")


def test_a_nested_roots_job_name_is_safe_for_artifacts_and_the_comment():
    from pipeline_tools.comment.markers import valid_env_name

    (entry,) = build_matrix([AffectedRoot("environments/us-east-1/dev", "us-east-1/dev")], CONFIG)
    assert entry.to_json()["name"] == "us-east-1--dev" and valid_env_name(entry.name)
    assert entry.to_json()["names"] == ["us-east-1/dev"]  # the root's own name, unchanged


def apply_stage_outputs(paths: list[str], max_jobs: int, tmp_path) -> list[list[dict]]:
    """``affected --apply-stages``'s stage-0 ... stage-5 outputs for these roots (the pure path:
    write_github_outputs appends them to a GITHUB_OUTPUT file, which is read back)."""
    import json

    from pipeline_tools.affected.model import AffectedResult
    from pipeline_tools.affected.run import write_github_outputs

    result = AffectedResult("base", "head", roots(*paths), [], len(paths))
    plan = build_matrix(result.roots, CONFIG, max_jobs=max_jobs)
    output = tmp_path / "github_output"
    write_github_outputs(output, result, CONFIG, plan, timings={}, apply_stages=True, max_jobs=max_jobs)
    values = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return [json.loads(values[f"stage-{k}"])["include"] for k in range(6)]


def test_a_stage_beyond_max_jobs_is_applied_in_groups_each_root_once(tmp_path):
    """What terraform-apply.yml's stage jobs get: at most max_jobs entries per stage, a group's entry
    without a path and its roots in the order its job applies them (sorted), every root once."""
    paths = ([f"environments/dev-{i:02d}" for i in range(9)] + [f"environments/staging-{i}" for i in range(3)]
             + ["environments/prod", "environments/bootstrap"])
    stages = apply_stage_outputs(paths, 4, tmp_path)
    dev, staging, prod = stages[0], stages[1], stages[2]
    # The limit is per stage (each stage is its own matrix): 9 dev roots in 4 jobs.
    assert [len(e["roots"]) for e in dev] == [3, 2, 2, 2]
    assert all(e["path"] == "" and e["stage"] == "dev" and e["github_environment"] == "dev" for e in dev)
    assert [e["name"] for e in dev] == [f"dev-group-{i}-of-4" for i in range(1, 5)]
    for entry in dev:
        assert entry["roots"] == sorted(entry["roots"])
        assert entry["names"] == [path.split("/", 1)[1] for path in entry["roots"]]
    assert Counter(path for e in dev for path in e["roots"]) == Counter(paths[:9])
    # Within the limit a stage keeps one job per root, with its path (the single-root job).
    assert [(e["path"], e["roots"]) for e in staging] == [(p, [p]) for p in paths[9:12]]
    assert [e["path"] for e in prod] == ["environments/prod"] and stages[3:] == [[], [], []]
    # bootstrap belongs to no stage: planned, never applied.
    assert "environments/bootstrap" not in {p for stage in stages for e in stage for p in e["roots"]}


def test_a_stage_of_a_thousand_roots_fits_the_matrix_limit(tmp_path):
    paths = [f"environments/dev-{i:04d}" for i in range(1000)]
    [dev, *rest] = apply_stage_outputs(paths, 256, tmp_path)
    assert len(dev) == 256 and not any(rest)
    assert sorted(path for e in dev for path in e["roots"]) == paths
    assert {len(e["roots"]) for e in dev} == {3, 4}
