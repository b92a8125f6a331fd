"""The outside world: the terraform CLI, GitHub (PyGithub) and AWS state reads (boto3).

Imports only :mod:`pipeline_tools.core`; features receive these clients (or factories for them)
from the CLI. Chat webhooks are sent by :mod:`pipeline_tools.notify.sender`.
"""
