# An asynchronous integration: producers send to an SQS queue, a Lambda consumer processes batches
# through an event source mapping (reporting partial batch failures), and messages that keep failing
# move to a dead-letter queue that accepts redrives from this queue only. Queues, logs and the
# function's environment are encrypted with the module's KMS key; the consumer role can only
# consume this queue.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# Reading the package object's current version makes a new upload update the function (unless the
# caller publishes the package and passes its version: read_package_version = false).
data "aws_s3_object" "package" {
  count  = var.read_package_version ? 1 : 0
  bucket = var.s3_bucket
  key    = var.s3_key
}

locals {
  partition              = data.aws_partition.current.partition
  region                 = data.aws_region.current.name
  account_id             = data.aws_caller_identity.current.account_id
  log_group_name         = "/aws/lambda/${var.name}"
  package_version        = local.package_object_version == null || local.package_object_version == "" ? null : local.package_object_version
  package_object_version = var.read_package_version ? data.aws_s3_object.package[0].version_id : var.s3_object_version

  send_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "SendMessages"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
        Resource = aws_sqs_queue.main.arn
      },
      {
        Sid      = "EncryptMessages"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = aws_kms_key.this.arn
      },
    ]
  })
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} queues, consumer logs and environment"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
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
      ], [
      # A service sending on behalf of a resource (S3 event notifications) encrypts as itself.
      for index, sender in var.service_senders : {
        Sid       = "ServiceSender${index}"
        Effect    = "Allow"
        Principal = { Service = sender.service }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = sender.source_arn }
        }
      }
    ])
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------
# Queues
# ---------------------------------------------------------------------------------------------
resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

resource "aws_sqs_queue" "main" {
  name                              = var.name
  message_retention_seconds         = var.message_retention_seconds
  visibility_timeout_seconds        = 6 * var.timeout_seconds
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# Only this module's queue may use the dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.main.arn]
  })
}

resource "aws_sqs_queue_policy" "main" {
  count = length(var.sender_role_arns) + length(var.service_senders) > 0 ? 1 : 0

  queue_url = aws_sqs_queue.main.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      length(var.sender_role_arns) == 0 ? [] : [{
        Sid       = "AllowedSenders"
        Effect    = "Allow"
        Principal = { AWS = var.sender_role_arns }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.main.arn
      }],
      [for index, sender in var.service_senders : {
        Sid       = "ServiceSender${index}"
        Effect    = "Allow"
        Principal = { Service = sender.service }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.main.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = sender.source_arn }
        }
      }],
    )
  })
}

# ---------------------------------------------------------------------------------------------
# Consumer
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_iam_role" "this" {
  name                 = var.name
  permissions_boundary = var.permissions_boundary_arn
  description          = "Execution role of the ${var.name} queue consumer"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name = "consume-${var.name}"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "ConsumeQueue"
          Effect   = "Allow"
          Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
          Resource = aws_sqs_queue.main.arn
        },
        {
          Sid      = "DecryptMessages"
          Effect   = "Allow"
          Action   = "kms:Decrypt"
          Resource = aws_kms_key.this.arn
        },
        {
          Sid      = "Logs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.this.arn}:*"
        },
        {
          # X-Ray's write actions support no resource-level permissions.
          Sid      = "Tracing"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = "*"
        },
      ],
      length(var.subnet_ids) == 0 ? [] : [{
        # Lambda's VPC attachment: these EC2 actions support no resource-level permissions.
        Sid      = "VpcNetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        Resource = "*"
      }],
    )
  })
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the SQS event source mapping; failing messages go to the queue's redrive dead-letter queue, a function DLQ would never receive anything. exp:2027-02-19
  #checkov:skip=CKV_AWS_272:No code signing profile exists for these packages; the code is pinned by S3 object version in a private, versioned bucket. exp:2027-02-19
  #checkov:skip=CKV_AWS_117:VPC attachment is optional by variable (subnet_ids); a consumer that only calls AWS APIs needs none. exp:2027-02-19
  function_name = var.name
  description   = "Consumes the ${var.name} queue"
  role          = aws_iam_role.this.arn
  runtime       = var.runtime
  handler       = var.handler
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout_seconds

  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = local.package_version

  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    variables = merge(var.environment_variables, { QUEUE_URL = aws_sqs_queue.main.id })
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "vpc_config" {
    for_each = length(var.subnet_ids) == 0 ? [] : [1]
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = aws_sqs_queue.main.arn
  function_name                      = aws_lambda_function.this.arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = min(var.reserved_concurrent_executions, 1000)
  }

  tags = var.tags
}
