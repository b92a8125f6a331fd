# Cognito sign-in for the application: a user pool with a strict password policy, optional TOTP
# MFA and e-mail-based account recovery; a hosted UI domain; an OAuth app client (authorization
# code flow); and, optionally, Google as identity provider.
#
# The Google client secret never passes through Terraform: the AWS provider has no write-only
# argument for it (hashicorp/terraform-provider-aws#48319) and Cognito returns it from
# DescribeIdentityProvider, so an aws_cognito_identity_provider would keep it in state and every
# plan would need to read it. Instead a small Lambda (pipeline_tools.idp.handler, from the deployer
# package) reads the secret itself and creates, updates or deletes the provider; Terraform invokes
# it with only the user pool id, the client id and the secret's ARN.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  google_enabled     = var.google_client_id != null
  identity_providers = concat(["COGNITO"], local.google_enabled ? ["Google"] : [])

  google_idp_name           = "${var.name}-google-idp"
  google_idp_log_group_name = "/aws/lambda/${local.google_idp_name}"
  account_id                = data.aws_caller_identity.current.account_id
}

# Before the Lambda took over, Terraform managed the provider itself. Forget it without deleting it:
# the first invocation finds it and updates it in place, so sign-in never goes away.
removed {
  from = aws_cognito_identity_provider.google

  lifecycle {
    destroy = false
  }
}

resource "aws_cognito_user_pool" "this" {
  name                = var.name
  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"

  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  username_configuration {
    case_sensitive = false
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = var.temporary_password_validity_days
  }

  mfa_configuration = var.mfa_configuration

  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [1]
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.allow_self_sign_up
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_domain" "this" {
  domain          = var.domain
  user_pool_id    = aws_cognito_user_pool.this.id
  certificate_arn = var.certificate_arn
}

# ---------------------------------------------------------------------------------------------
# Google identity provider, managed by a Lambda that reads the client secret itself
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_log_group" "google_idp" {
  #checkov:skip=CKV_AWS_158:The function logs only the user pool id and the outcome (its messages are redacted, never the secret); AWS-managed encryption at rest suffices and a customer-managed key would cost a key per environment for nothing secret. exp:2027-03-07
  count = local.google_enabled ? 1 : 0

  name              = local.google_idp_log_group_name
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

data "aws_iam_policy_document" "google_idp_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "google_idp" {
  count = local.google_enabled ? 1 : 0

  name                 = local.google_idp_name
  description          = "Execution role of the ${local.google_idp_name} Lambda (Google identity provider of ${var.name})"
  assume_role_policy   = data.aws_iam_policy_document.google_idp_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "google_idp" {
  count = local.google_enabled ? 1 : 0

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.google_idp[0].arn}:*"]
  }

  statement {
    # X-Ray's write actions support no resource-level permissions.
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadTheGoogleClientSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.google_client_secret_arn]
  }

  dynamic "statement" {
    for_each = var.google_client_secret_kms_key_arn == null ? [] : [var.google_client_secret_kms_key_arn]
    content {
      sid       = "DecryptTheSecretThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }

  statement {
    sid = "ManageThisPoolsIdentityProviders"
    actions = [
      "cognito-idp:CreateIdentityProvider",
      "cognito-idp:DescribeIdentityProvider",
      "cognito-idp:UpdateIdentityProvider",
      "cognito-idp:DeleteIdentityProvider",
    ]
    resources = [aws_cognito_user_pool.this.arn]
  }
}

resource "aws_iam_role_policy" "google_idp" {
  count = local.google_enabled ? 1 : 0

  name   = "google-identity-provider"
  role   = aws_iam_role.google_idp[0].id
  policy = data.aws_iam_policy_document.google_idp[0].json
}

resource "aws_lambda_function" "google_idp" {
  #checkov:skip=CKV_AWS_272:No signing profile exists for this package; it is built by `pipeline-tools deploy package` in CI and pinned by S3 object version in the private, versioned artifacts bucket. exp:2027-03-07
  #checkov:skip=CKV_AWS_117:The function only calls the Cognito and Secrets Manager APIs and holds no inbound path; it needs no VPC. exp:2027-03-07
  #checkov:skip=CKV_AWS_116:Only Terraform invokes it, synchronously (aws_lambda_invocation), and sees a failure in the apply; a dead-letter queue applies to asynchronous invocations only. exp:2027-03-07
  #checkov:skip=CKV_AWS_173:The function has no environment variables to encrypt. exp:2027-03-07
  count = local.google_enabled ? 1 : 0

  function_name = local.google_idp_name
  description   = "Creates, updates and deletes the Google identity provider of ${var.name} (reads the client secret itself)"
  role          = aws_iam_role.google_idp[0].arn
  runtime       = var.lambda_runtime
  handler       = "pipeline_tools.idp.handler.lambda_handler"
  architectures = ["arm64"]
  memory_size   = 128
  timeout       = 30

  s3_bucket         = var.google_idp_package.s3_bucket
  s3_key            = var.google_idp_package.s3_key
  s3_object_version = var.google_idp_package.s3_object_version == "" ? null : var.google_idp_package.s3_object_version

  # Terraform invokes it once per apply that changes the provider: one at a time is plenty.
  reserved_concurrent_executions = 1

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.google_idp, aws_iam_role_policy.google_idp]

  lifecycle {
    precondition {
      condition     = length(local.google_idp_name) <= 64
      error_message = "name must be at most 53 characters when google_client_id is set (the function is named <name>-google-idp)."
    }
  }
}

# Create, update (input changed: another client id or secret, or google_client_secret_revision
# bumped after a rotation) and delete (Google turned off, or destroy) the provider. Only the input
# and the function's result are in state: the pool id, the client id, the secret's ARN.
resource "aws_lambda_invocation" "google_identity_provider" {
  count = local.google_enabled ? 1 : 0

  function_name   = aws_lambda_function.google_idp[0].function_name
  lifecycle_scope = "CRUD"
  input = jsonencode({
    user_pool_id      = aws_cognito_user_pool.this.id
    client_id         = var.google_client_id
    client_secret_arn = var.google_client_secret_arn
    revision          = var.google_client_secret_revision
  })

  # The role's policy must outlive the delete invocation on destroy.
  depends_on = [aws_iam_role_policy.google_idp]
}

resource "aws_cognito_user_pool_client" "this" {
  name         = "${var.name}-app"
  user_pool_id = aws_cognito_user_pool.this.id

  generate_secret                      = var.generate_client_secret
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = var.oauth_scopes
  callback_urls                        = var.callback_urls
  logout_urls                          = var.logout_urls
  supported_identity_providers         = local.identity_providers

  explicit_auth_flows           = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }

  # The app client names "Google" among its providers only once the provider exists.
  depends_on = [aws_lambda_invocation.google_identity_provider]
}
