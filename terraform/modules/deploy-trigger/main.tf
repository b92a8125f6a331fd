# dev's continuous deployment: an image pushed to ECR -> EventBridge rule -> the deployer Lambda
# (pipeline_tools.deploy.handler.lambda_handler), which looks the push up in the deploy targets
# (SSM parameter), takes a per-service lock (DynamoDB) and rolls the ECS service to the new digest.
# Events that cannot be delivered, or whose invocation keeps failing, end in a dead-letter queue.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# The package is uploaded by `pipeline-tools deploy package`, or published by the caller (the
# platform composition's aws_s3_object, which passes its version). Reading the object's current
# version makes a new upload change `s3_object_version` and so update the function.
data "aws_s3_object" "package" {
  count = var.read_package_version ? 1 : 0

  bucket = var.s3_bucket
  key    = var.s3_key
}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  handler                = "pipeline_tools.deploy.handler.lambda_handler"
  targets_parameter_name = coalesce(var.deploy_targets_parameter_name, "/pipeline-tools/${var.environment}/deploy-targets")
  lock_table_name        = coalesce(var.lock_table_name, "${var.name}-locks")
  log_group_name         = "/aws/lambda/${var.name}"
  repositories           = sort(distinct([for t in var.deploy_targets : t.repository]))
  clusters               = sort(distinct([for t in var.deploy_targets : t.cluster]))
  cluster_services       = sort(distinct([for t in var.deploy_targets : "${t.cluster}/${t.service}"]))
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
    {
      DEPLOY_TARGETS_PARAMETER = local.targets_parameter_name
      DEPLOY_LOCK_TABLE        = local.lock_table_name
      DEPLOY_TIMEOUT_SECONDS   = tostring(var.deploy_timeout_seconds)
    },
    var.slack_webhook_secret_id == null ? {} : { SLACK_WEBHOOK_SECRET_ID = var.slack_webhook_secret_id },
    var.discord_webhook_secret_id == null ? {} : { DISCORD_WEBHOOK_SECRET_ID = var.discord_webhook_secret_id },
  )
}

# ---------------------------------------------------------------------------------------------
# KMS key for the log group, the queue, the lock table and the function's environment
# ---------------------------------------------------------------------------------------------
resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} deployer's logs, dead-letter queue, lock table and environment"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

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
      {
        # EventBridge sends undeliverable events to the encrypted dead-letter queue.
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
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

# ---------------------------------------------------------------------------------------------
# Deploy targets and the lock table the deployer reads
# ---------------------------------------------------------------------------------------------
resource "aws_ssm_parameter" "deploy_targets" {
  #checkov:skip=CKV2_AWS_34:Deploy targets are not secret (repository, cluster and service names); docs/architecture.md specifies a String parameter so every reader can inspect it. exp:2027-02-19
  name        = local.targets_parameter_name
  description = "Deploy targets of the ${var.environment} deployer: ECR repository + tag pattern -> cluster/service/container"
  type        = "String"
  value = jsonencode([for t in var.deploy_targets : {
    repository  = t.repository
    tag_pattern = t.tag_pattern
    environment = t.environment
    cluster     = t.cluster
    service     = t.service
    container   = t.container
  }])

  tags = var.tags
}

resource "aws_dynamodb_table" "locks" {
  #checkov:skip=CKV2_AWS_16:On-demand (PAY_PER_REQUEST) capacity; there is no provisioned capacity to auto-scale. exp:2027-02-19
  name         = local.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "lock_id"

  attribute {
    name = "lock_id"
    type = "S"
  }

  # Expired locks of crashed deploys and old "already handled" records disappear on their own.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }

  deletion_protection_enabled = var.lock_table_deletion_protection

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Dead-letter queue: failed asynchronous invocations and undeliverable EventBridge events
# ---------------------------------------------------------------------------------------------
resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeDeadLetters"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.dlq.arn
      Condition = {
        ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.ecr_push.arn }
      }
    }]
  })
}

# ---------------------------------------------------------------------------------------------
# The deployer Lambda and its least-privilege role
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
  description          = "Execution role of the ${var.name} deployer Lambda"

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
  name = "deployer"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "Logs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.this.arn}:*"
        },
        {
          Sid      = "ReadPushedImages"
          Effect   = "Allow"
          Action   = ["ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:DescribeImageScanFindings"]
          Resource = [for repo in local.repositories : "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${repo}"]
        },
        {
          Sid      = "FollowAndUpdateServices"
          Effect   = "Allow"
          Action   = ["ecs:DescribeServices", "ecs:UpdateService"]
          Resource = [for cs in local.cluster_services : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${cs}"]
        },
        {
          Sid      = "ListTasksOfTargetClusters"
          Effect   = "Allow"
          Action   = "ecs:ListTasks"
          Resource = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:container-instance/*"
          Condition = {
            ArnEquals = { "ecs:cluster" = [for c in local.clusters : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:cluster/${c}"] }
          }
        },
        {
          Sid      = "DescribeTasksOfTargetClusters"
          Effect   = "Allow"
          Action   = "ecs:DescribeTasks"
          Resource = [for c in local.clusters : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${c}/*"]
        },
        {
          # ListTaskDefinitions (the deployer builds from the newest revision Terraform registered),
          # DescribeTaskDefinition and RegisterTaskDefinition support no resource-level
          # permissions (AWS service authorization reference): "*" is the only possible scope.
          Sid      = "TaskDefinitions"
          Effect   = "Allow"
          Action   = ["ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
          Resource = "*"
        },
        {
          # The new revision keeps the tags of the one it replaces.
          Sid      = "TagNewTaskDefinitionRevisions"
          Effect   = "Allow"
          Action   = "ecs:TagResource"
          Resource = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/*"
          Condition = {
            StringEquals = { "ecs:CreateAction" = "RegisterTaskDefinition" }
          }
        },
        {
          Sid      = "PassTaskRoles"
          Effect   = "Allow"
          Action   = "iam:PassRole"
          Resource = var.pass_role_arns
          Condition = {
            StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" }
          }
        },
        {
          Sid      = "DeployTargets"
          Effect   = "Allow"
          Action   = "ssm:GetParameter"
          Resource = aws_ssm_parameter.deploy_targets.arn
        },
        {
          Sid      = "DeployLocks"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
          Resource = aws_dynamodb_table.locks.arn
        },
        {
          Sid      = "ModuleKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
          Resource = aws_kms_key.this.arn
        },
        {
          Sid      = "DeadLetters"
          Effect   = "Allow"
          Action   = "sqs:SendMessage"
          Resource = aws_sqs_queue.dlq.arn
        },
        {
          # X-Ray's write actions support no resource-level permissions.
          Sid      = "Tracing"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = "*"
        },
      ],
      length(local.webhook_secret_arns) == 0 ? [] : [{
        Sid      = "WebhookSecrets"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = local.webhook_secret_arns
      }],
      length(local.webhook_parameter_arns) == 0 ? [] : [{
        Sid      = "WebhookParameters"
        Effect   = "Allow"
        Action   = "ssm:GetParameter"
        Resource = local.webhook_parameter_arns
      }],
      length(var.webhook_kms_key_arns) == 0 ? [] : [{
        Sid      = "WebhookKeys"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = var.webhook_kms_key_arns
      }],
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
  #checkov:skip=CKV_AWS_272:No signing profile exists for this package; it is built by `pipeline-tools deploy package` in CI and pinned by S3 object version in the private, versioned artifacts bucket. exp:2027-02-19
  #checkov:skip=CKV_AWS_117:VPC attachment is optional by variable (subnet_ids); the deployer only calls AWS APIs and chat webhooks and holds no inbound path. exp:2027-02-19
  function_name = var.name
  description   = "Deploys ECR pushes to ECS services (${var.environment})"
  role          = aws_iam_role.this.arn
  runtime       = var.runtime
  handler       = local.handler
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.lambda_timeout_seconds

  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = local.package_version

  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    variables = local.environment_variables
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
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

  lifecycle {
    precondition {
      condition     = var.deploy_timeout_seconds < var.lambda_timeout_seconds
      error_message = "deploy_timeout_seconds must be lower than lambda_timeout_seconds."
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
}

# ---------------------------------------------------------------------------------------------
# EventBridge: successful pushes to the target repositories -> the deployer
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_event_rule" "ecr_push" {
  name        = "${var.name}-ecr-push"
  description = "Successful ECR image pushes to ${join(", ", local.repositories)}"

  event_pattern = jsonencode({
    source      = ["aws.ecr"]
    detail-type = ["ECR Image Action"]
    detail = {
      action-type     = ["PUSH"]
      result          = ["SUCCESS"]
      repository-name = local.repositories
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "deployer" {
  rule      = aws_cloudwatch_event_rule.ecr_push.name
  target_id = "deployer"
  arn       = aws_lambda_function.this.arn

  retry_policy {
    maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
    maximum_retry_attempts       = var.eventbridge_maximum_retry_attempts
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }
}

resource "aws_lambda_permission" "eventbridge" {
  statement_id  = "AllowEcrPushRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.ecr_push.arn
}
