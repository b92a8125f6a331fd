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
