"""The repository configuration, ``pipeline-tools.yml`` at the repository root (docs/configuration.md).

* :mod:`pipeline_tools.config.model`: what it says (project, region, ordered stages with their
  roots, approval rules and per-environment names), pure data with no I/O.
* :mod:`pipeline_tools.config.load`: reading and strictly validating the file; without one, the
  built-in default, which is this repository's layout (dev, staging, prod).
"""

from pipeline_tools.config.load import (
    CONFIG_FILE_NAME,
    default_config,
    find_config,
    load_config,
    parse_config,
)
from pipeline_tools.config.model import MatrixSettings, RepoConfig, Stage

__all__ = [
    "CONFIG_FILE_NAME",
    "MatrixSettings",
    "RepoConfig",
    "Stage",
    "default_config",
    "find_config",
    "load_config",
    "parse_config",
]
