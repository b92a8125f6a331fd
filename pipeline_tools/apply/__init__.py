"""Applying an environment: what was reviewed, whether it may be applied, and the record of it.

* :mod:`pipeline_tools.apply.records`: the last successful apply per environment, recorded as a
  GitHub Deployment (task ``terraform-apply``) with statuses; the pull requests merged since; the
  reviewed plans their trusted plan comments recorded.
* :mod:`pipeline_tools.apply.check`: the requirements a merged pull request must meet before its
  environment is applied (gate passed, approved, plan recorded by the pipeline's identity).
"""
