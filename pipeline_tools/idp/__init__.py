"""Google sign-in for the Cognito user pool without the client secret in Terraform state.

The ``auth`` module invokes :func:`pipeline_tools.idp.handler.lambda_handler` through
``aws_lambda_invocation`` (``lifecycle_scope = "CRUD"``): Terraform passes only the user pool id,
the Google client id and the secret's ARN; the Lambda reads the secret itself and creates, updates
or deletes the ``Google`` identity provider (docs/security.md, "Google sign-in").
"""
