"""pipeline-tools: a GitOps CI/CD toolkit for Terraform on AWS.

Layers point one way: ``cli`` -> one package per feature (model -> render -> ``run.py``) ->
``integrations`` (terraform CLI, GitHub, AWS) -> ``core``. See docs/architecture.md.
"""

# The one place the version is written: pyproject.toml reads it (setuptools dynamic `attr`), so
# it is also right where no package metadata exists (the deployer Lambda's zip).
__version__ = "0.1.0"
