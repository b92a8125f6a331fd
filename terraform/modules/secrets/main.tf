# Secret *containers*: Secrets Manager secrets and SSM SecureString parameters encrypted with a
# customer-managed key. No secret value ever passes through Terraform variables or state: values
# are put out of band, and SSM parameters start with a placeholder whose later changes Terraform
# ignores.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  placeholder = "placeholder: set out of band with aws ssm put-parameter --overwrite"
  alias_name  = "alias/${replace(var.name_prefix, "/", "-")}-secrets"

  rotated = { for k, s in var.secrets : k => s if s.rotation_lambda_arn != null }

  read_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      length(var.secrets) == 0 ? [] : [{
        Sid      = "ReadSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = [for s in aws_secretsmanager_secret.this : s.arn]
      }],
      length(var.parameters) == 0 ? [] : [{
        Sid      = "ReadParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters"]
        Resource = [for p in aws_ssm_parameter.this : p.arn]
      }],
      [{
        Sid      = "Decrypt"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = aws_kms_key.this.arn
      }],
    )
  })
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the secrets and parameters under ${var.name_prefix}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EnableIamPolicies"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = local.alias_name
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:Rotation is per secret (rotation_lambda_arn); third-party values such as webhook URLs or OAuth client secrets cannot be rotated by a Lambda. exp:2027-02-19
  for_each = var.secrets

  name                    = "${var.name_prefix}/${each.key}"
  description             = each.value.description
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = each.value.recovery_window_in_days

  tags = var.tags
}

resource "aws_secretsmanager_secret_rotation" "this" {
  #checkov:skip=CKV_AWS_304:rotation_days is validated to be at most 90 in variables.tf; checkov cannot evaluate it through for_each. exp:2027-02-19
  for_each = local.rotated

  secret_id           = aws_secretsmanager_secret.this[each.key].id
  rotation_lambda_arn = each.value.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = each.value.rotation_days
  }
}

resource "aws_ssm_parameter" "this" {
  for_each = var.parameters

  name        = "/${var.name_prefix}/${each.key}"
  description = each.value.description
  type        = "SecureString"
  tier        = each.value.tier
  key_id      = aws_kms_key.this.arn
  value       = local.placeholder

  tags = var.tags

  lifecycle {
    # The real value is set out of band; Terraform only owns the container.
    ignore_changes = [value]
  }
}

resource "aws_iam_role_policy" "readers" {
  for_each = toset(var.reader_role_names)

  name = "read-${replace(var.name_prefix, "/", "-")}-secrets"
  role = each.value

  policy = local.read_policy_json
}
