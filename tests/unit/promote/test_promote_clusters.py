"""Which ECS cluster promotion reads an environment's evidence from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pipeline_tools.promote.engine import PromotionRequest


def request(project: str = "platform", clusters: dict[str, str] | None = None) -> PromotionRequest:
    return PromotionRequest("dev", "staging", ("api",), None, None, "", timedelta(0), Path("environments"),
                            project=project, clusters=clusters or {})


def test_a_stage_s_cluster_is_the_one_pipeline_tools_yml_names() -> None:
    # `pipeline-tools promote` without --project passes the clusters of pipeline-tools.yml's stages.
    named = request(project="loop-1", clusters={"dev": "loop-1-dev", "staging": "shared-staging"})
    assert named.cluster("dev") == "loop-1-dev" and named.cluster("staging") == "shared-staging"


def test_an_environment_no_stage_names_is_project_env() -> None:
    assert request(project="acme", clusters={"dev": "acme-dev"}).cluster("qa") == "acme-qa"
    assert request().cluster("prod") == "platform-prod"
