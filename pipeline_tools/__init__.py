"""pipeline-tools: a GitOps CI/CD toolkit for Terraform on AWS.

Layers point one way: ``plan``/``gate`` models (pure, no I/O) -> ``render`` (Jinja2) ->
``adapters`` (terraform CLI, GitHub, AWS, chat) -> ``commands`` (the thin CLI).
"""

__version__ = "0.1.0"
