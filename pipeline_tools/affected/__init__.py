"""Which Terraform roots a change affects (``pipeline-tools affected``).

The answer comes from the module graph, not from path globs: local ``module`` sources are followed
from the changed files back to every environment root that uses them, and each affected root keeps
the reasons it was selected. See docs/affected.md.
"""

from pipeline_tools.affected.model import AffectedResult, AffectedRoot, DeletedRoot, Reason

__all__ = ["AffectedResult", "AffectedRoot", "DeletedRoot", "Reason"]
