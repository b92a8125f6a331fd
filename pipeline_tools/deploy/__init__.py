"""The ECS deployer: ECR push events (or a direct request) -> a new task definition revision ->
``update_service`` -> the rollout followed to COMPLETED, FAILED, rolled back or timed out.

This package is shipped as the deployer Lambda's code (see :mod:`pipeline_tools.deploy.package`),
so nothing here may import PyGithub, jinja2, python-hcl2 or requests; boto3 is imported lazily by
the modules that talk to AWS (it comes from the Lambda runtime).
"""
