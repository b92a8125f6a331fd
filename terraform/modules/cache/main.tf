# ElastiCache Redis replication group: encryption at rest (customer-managed KMS key) and in transit
# (TLS required), automatic failover and Multi-AZ with two or more nodes, snapshots, slow and
# engine logs to CloudWatch.
#
# Authentication without any secret: role-based access control with IAM authentication. The
# application connects as the user `<name>-app` with a short-lived token it signs with its own
# IAM role (`elasticache:Connect`, see the connect_policy_json output); the group's `default`
# user is switched off. No password or AUTH token exists, so none can sit in Terraform state,
# in tfvars, or in front of a plan role.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition     = data.aws_partition.current.partition
  account_id    = data.aws_caller_identity.current.account_id
  region        = data.aws_region.current.name
  failover      = var.num_cache_clusters > 1
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

# The group must hold a user named `default`: this one can do nothing and has no password.
resource "aws_elasticache_user" "default" {
  user_id       = "${var.name}-default"
  user_name     = "default"
  engine        = "redis"
  access_string = "off -@all"

  authentication_mode {
    type = "no-password-required"
  }

  tags = var.tags
}

# IAM authentication requires the user id and the user name to be equal.
resource "aws_elasticache_user" "app" {
  user_id       = "${var.name}-app"
  user_name     = "${var.name}-app"
  engine        = "redis"
  access_string = var.app_access_string

  authentication_mode {
    type = "iam"
  }

  tags = var.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = var.name
  engine        = "redis"
  user_ids      = [aws_elasticache_user.default.user_id, aws_elasticache_user.app.user_id]

  tags = var.tags
}

# Built from names, not resource attributes, so that it is known at plan time (callers put it
# into a role policy whose count depends on it).
data "aws_iam_policy_document" "connect" {
  statement {
    sid     = "ConnectAsTheAppUser"
    actions = ["elasticache:Connect"]
    resources = [
      "arn:${local.partition}:elasticache:${local.region}:${local.account_id}:replicationgroup:${var.name}",
      "arn:${local.partition}:elasticache:${local.region}:${local.account_id}:user:${var.name}-app",
    ]
  }
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
  user_group_ids             = [aws_elasticache_user_group.this.user_group_id]

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
}
