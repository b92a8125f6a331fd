# Backups and recovery: an AWS Backup vault encrypted with its own key, and (when resources are
# given) a daily plan for the environment's RDS databases and EFS file systems, optionally copying
# every recovery point to a vault in another region. With no resources the module is just a vault:
# how the recovery region's copy destination is made (a second instance with that region's provider).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  account_id  = data.aws_caller_identity.current.account_id
  create_plan = length(var.resource_arns) > 0
}

resource "aws_kms_key" "vault" {
  description             = "Encrypts the recovery points in the ${var.name} backup vault"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # A key policy's "*" resource means this key; AWS Backup uses it through grants for the account.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EnableIamPolicies"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "vault" {
  name          = "alias/${var.name}-backup"
  target_key_id = aws_kms_key.vault.key_id
}

resource "aws_backup_vault" "this" {
  name        = var.name
  kms_key_arn = aws_kms_key.vault.arn

  tags = var.tags
}

resource "aws_backup_plan" "daily" {
  count = local.create_plan ? 1 : 0

  name = "${var.name}-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.this.name
    schedule          = var.schedule
    start_window      = 60
    completion_window = 360

    lifecycle {
      delete_after = var.retention_days
    }

    dynamic "copy_action" {
      for_each = var.copy_destination_vault_arn == null ? [] : [var.copy_destination_vault_arn]

      content {
        destination_vault_arn = copy_action.value

        lifecycle {
          delete_after = var.copy_retention_days
        }
      }
    }

    recovery_point_tags = var.tags
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# The role AWS Backup assumes to back up and restore the selected resources
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "backup" {
  count = local.create_plan ? 1 : 0

  name                 = "${var.name}-backup"
  description          = "AWS Backup backs up and restores the ${var.name} databases and file systems"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

# AWS's own service policies: they follow the services AWS Backup supports as they change.
resource "aws_iam_role_policy_attachment" "backup" {
  for_each = local.create_plan ? toset(["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) : toset([])

  role       = aws_iam_role.backup[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/${each.key}"
}

resource "aws_backup_selection" "this" {
  count = local.create_plan ? 1 : 0

  name         = "${var.name}-resources"
  plan_id      = aws_backup_plan.daily[0].id
  iam_role_arn = aws_iam_role.backup[0].arn
  resources    = var.resource_arns
}
