# ElastiCache Redis replication group: encryption at rest (customer-managed KMS key) and in transit
# (TLS required), AUTH token taken from an existing Secrets Manager secret, automatic failover and
# Multi-AZ with two or more nodes, snapshots, slow and engine logs to CloudWatch.
#
# The AUTH token: there is no random provider here and a token must never sit in tfvars, so the
# caller creates a secret container (secrets module) and puts a generated value into it out of
# band; this module reads it with a data source. Terraform keeps it in state as a sensitive value
# (ElastiCache takes it as a plain API argument): the state bucket is KMS-encrypted and private.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

data "aws_secretsmanager_secret" "auth_token" {
  name = startswith(var.auth_token_secret_id, "arn:") ? null : var.auth_token_secret_id
  arn  = startswith(var.auth_token_secret_id, "arn:") ? var.auth_token_secret_id : null
}

data "aws_secretsmanager_secret_version" "auth_token" {
  secret_id = data.aws_secretsmanager_secret.auth_token.arn
}

locals {
  partition     = data.aws_partition.current.partition
  account_id    = data.aws_caller_identity.current.account_id
  region        = data.aws_region.current.name
  failover      = var.num_cache_clusters > 1
  auth_token    = data.aws_secretsmanager_secret_version.auth_token.secret_string
  log_types     = ["slow-log", "engine-log"]
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/elasticache/${var.name}/*"
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} Redis data at rest and its logs"
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
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = local.log_group_arn }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-cache"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of the ${var.name} cache"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(local.log_types)

  name              = "/aws/elasticache/${var.name}/${each.key}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Redis for ${var.name}"

  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  parameter_group_name = "default.redis${split(".", var.engine_version)[0]}"
  port                 = var.port

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = var.security_group_ids

  automatic_failover_enabled = local.failover
  multi_az_enabled           = local.failover

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn
  transit_encryption_enabled = true
  auth_token                 = local.auth_token
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.snapshot_retention_limit
  snapshot_window            = var.snapshot_window
  maintenance_window         = var.maintenance_window
  auto_minor_version_upgrade = true
  apply_immediately          = var.apply_immediately

  dynamic "log_delivery_configuration" {
    for_each = aws_cloudwatch_log_group.this
    content {
      destination      = log_delivery_configuration.value.name
      destination_type = "cloudwatch-logs"
      log_format       = "json"
      log_type         = log_delivery_configuration.key
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      # The message never includes the token itself.
      condition     = length(local.auth_token) >= 16 && length(local.auth_token) <= 128 && can(regex("^[!-~]+$", local.auth_token)) && !can(regex("[@\"/]", local.auth_token))
      error_message = "The AUTH token secret must hold 16 to 128 printable ASCII characters without '@', '\"', '/' or spaces."
    }
  }
}
