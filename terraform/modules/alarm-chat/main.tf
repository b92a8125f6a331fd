# Alarms that reach people: the environment's alarm topic (SNS) -> a small Lambda
# (pipeline_tools.notify.alarm_handler.lambda_handler, the same package and notifier as the
# deployer) -> Slack and/or Discord, each alarm state change rendered as what, where, threshold and
# a link to the alarm. Optional HTTPS endpoints (a pager) subscribe to the same topic directly.
# Deliveries that keep failing end in an encrypted dead-letter queue.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# Reading the package object's current version makes a new upload update the function (unless the
# caller publishes the package and passes its version: read_package_version = false).
data "aws_s3_object" "package" {
  count = var.read_package_version ? 1 : 0

  bucket = var.s3_bucket
  key    = var.s3_key
}

locals {
  partition              = data.aws_partition.current.partition
  region                 = data.aws_region.current.name
  account_id             = data.aws_caller_identity.current.account_id
  handler                = "pipeline_tools.notify.alarm_handler.lambda_handler"
  log_group_name         = "/aws/lambda/${var.name}"
  package_version        = local.package_object_version == null || local.package_object_version == "" ? null : local.package_object_version
  package_object_version = var.read_package_version ? data.aws_s3_object.package[0].version_id : var.s3_object_version

  webhook_secret_ids = compact([var.slack_webhook_secret_id, var.discord_webhook_secret_id])
  # A secret given by name matches its ARN with the 6-character suffix Secrets Manager appends.
  webhook_secret_arns = [
    for id in local.webhook_secret_ids :
    startswith(id, "arn:") ? id : "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:${id}-??????"
    if !startswith(id, "ssm:")
  ]
  webhook_parameter_arns = [
    for id in local.webhook_secret_ids :
    "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(trimprefix(id, "ssm:"), "/")}"
    if startswith(id, "ssm:")
  ]
  environment_variables = merge(
    var.slack_webhook_secret_id == null ? {} : { SLACK_WEBHOOK_SECRET_ID = var.slack_webhook_secret_id },
    var.discord_webhook_secret_id == null ? {} : { DISCORD_WEBHOOK_SECRET_ID = var.discord_webhook_secret_id },
  )
}

# ---------------------------------------------------------------------------------------------
# KMS key for the log group, the dead-letter queue and the function's environment
# ---------------------------------------------------------------------------------------------
resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} alarm notifier's logs, dead-letter queue and environment"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # A key policy's "*" resource means this key. (jsonencode, not aws_iam_policy_document: checkov
  # reads the latter as an identity policy and flags the "*".)
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIamPolicies"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          ArnEquals = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
          }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# The function and its least-privilege role
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "assume" {
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

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Execution role of the ${var.name} alarm notifier Lambda"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
  }

  statement {
    sid       = "OwnKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }

  statement {
    # X-Ray's write actions support no resource-level permissions.
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(local.webhook_secret_arns) == 0 ? [] : [1]
    content {
      sid       = "ReadWebhookSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.webhook_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.webhook_parameter_arns) == 0 ? [] : [1]
    content {
      sid       = "ReadWebhookParameters"
      actions   = ["ssm:GetParameter"]
      resources = local.webhook_parameter_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.webhook_kms_key_arns) == 0 ? [] : [1]
    content {
      sid       = "DecryptWebhookSecrets"
      actions   = ["kms:Decrypt"]
      resources = var.webhook_kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "alarm-notifier"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.function.json
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_272:No signing profile exists for this package; it is built by `pipeline-tools deploy package` in CI and pinned by S3 object version in the private, versioned artifacts bucket. exp:2027-02-19
  #checkov:skip=CKV_AWS_117:The notifier only calls chat webhooks and reads its webhook secrets; it holds no inbound path and needs no VPC. exp:2027-02-19
  function_name = var.name
  description   = "Relays CloudWatch alarm state changes to chat"
  role          = aws_iam_role.this.arn
  runtime       = var.runtime
  handler       = local.handler
  architectures = ["arm64"]
  memory_size   = 128
  timeout       = var.timeout_seconds

  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = local.package_version

  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = aws_kms_key.this.arn

  dynamic "environment" {
    for_each = length(local.environment_variables) == 0 ? [] : [1]
    content {
      variables = local.environment_variables
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_permission" "sns" {
  statement_id  = "AlarmTopic"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = var.topic_arn
}

resource "aws_sns_topic_subscription" "chat" {
  topic_arn = var.topic_arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.sns]
}

# A pager (PagerDuty, Opsgenie...) that takes SNS over HTTPS: AWS sends it a subscription
# confirmation, which the pager confirms.
resource "aws_sns_topic_subscription" "pager" {
  for_each = toset(var.pager_https_endpoints)

  topic_arn              = var.topic_arn
  protocol               = "https"
  endpoint               = each.value
  endpoint_auto_confirms = true
}
