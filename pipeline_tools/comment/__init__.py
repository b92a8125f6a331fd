"""The one sticky pull request comment for all environments' plans (pure: no I/O).

* :mod:`pipeline_tools.comment.markers`: the hidden marker that carries the commit, the run
  ordering key and each environment's plan fingerprint; its parser; the "newer wins" rule.
* :mod:`pipeline_tools.comment.compose`: the markdown (dashboard, then one section per
  environment) within GitHub's 65,536-character limit.
"""

from pipeline_tools.comment.compose import EnvironmentPlan, compose_plan_comment
from pipeline_tools.comment.markers import (
    MARKER_PREFIX,
    CommentMarkers,
    format_marker,
    parse_comment_markers,
    supersedes,
)

__all__ = [
    "MARKER_PREFIX",
    "CommentMarkers",
    "EnvironmentPlan",
    "compose_plan_comment",
    "format_marker",
    "parse_comment_markers",
    "supersedes",
]
