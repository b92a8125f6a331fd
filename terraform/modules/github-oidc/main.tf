# GitHub Actions -> AWS without long-lived keys. Per environment:
# - a plan role, assumable only by pull_request workflows of exactly OWNER/REPO and by the
#   scheduled drift check (jobs bound to the GitHub environment `drift_environment`), read-only;
# - an apply role, assumable only by jobs bound to the GitHub environment of the same name
#   (so environment protection rules, e.g. required reviewers, gate every apply).
# The token's audience is pinned to sts.amazonaws.com and the subject is matched with
# StringEquals: no wildcard in owner, repository, ref or environment.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition    = data.aws_partition.current.partition
  account_id   = data.aws_caller_identity.current.account_id
  oidc_host    = "token.actions.githubusercontent.com"
  repo         = "${var.github_owner}/${var.github_repository}"
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn

  envs = {
    for name, env in var.environments : name => {
      state_key_prefix            = coalesce(env.state_key_prefix, "${name}/")
      iam_name_prefix             = coalesce(env.iam_name_prefix, "${var.name_prefix}-${name}-")
      apply_managed_policy_arns   = env.apply_managed_policy_arns
      plan_additional_policy_arns = env.plan_additional_policy_arns
      plan_subject                = "repo:${var.github_owner}/${var.github_repository}:pull_request"
      drift_subject               = var.drift_environment == null ? null : "repo:${var.github_owner}/${var.github_repository}:environment:${var.drift_environment}"
      apply_subject               = "repo:${var.github_owner}/${var.github_repository}:environment:${name}"
    }
  }

  read_only_policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"

  plan_policy_attachments = merge([
    for name, env in local.envs : {
      for arn in distinct(concat([local.read_only_policy_arn], env.plan_additional_policy_arns)) :
      "${name}|${arn}" => { env = name, policy_arn = arn }
    }
  ]...)

  apply_policy_attachments = merge([
    for name, env in local.envs : {
      for arn in distinct(concat([local.read_only_policy_arn], env.apply_managed_policy_arns)) :
      "${name}|${arn}" => { env = name, policy_arn = arn }
    }
  ]...)
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints
  tags            = var.tags
}

# ---------------------------------------------------------------------------------------------
# Plan roles: pull requests only, read-only plus what `terraform plan` needs on the state
# ---------------------------------------------------------------------------------------------
resource "aws_iam_role" "plan" {
  for_each = local.envs

  name                 = "${var.name_prefix}-${each.key}-terraform-plan"
  description          = "terraform plan for ${each.key} from pull requests of ${local.repo}"
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubPullRequestsAndDriftChecks"
      Effect    = "Allow"
      Principal = { Federated = local.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_host}:aud" = "sts.amazonaws.com"
          # Any of these exact subjects (a list under StringEquals matches one of its values).
          "${local.oidc_host}:sub" = compact([each.value.plan_subject, each.value.drift_subject])
        }
      }
    }]
  })

  tags = merge(var.tags, { Environment = each.key })

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.oidc_provider_arn != null
      error_message = "oidc_provider_arn is required when create_oidc_provider is false."
    }
  }
}

resource "aws_iam_role_policy_attachment" "plan" {
  for_each = local.plan_policy_attachments

  role       = aws_iam_role.plan[each.value.env].name
  policy_arn = each.value.policy_arn
}

resource "aws_iam_role_policy" "plan_state" {
  for_each = local.envs

  name = "terraform-state-read"
  role = aws_iam_role.plan[each.key].id

  # Plan reads the state and takes the lock: with use_lockfile the lock is a `.tflock` object
  # written next to the state, so the plan role may write and delete exactly those objects.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "ListStatePrefix"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = var.state_bucket_arn
        Condition = {
          StringLike = { "s3:prefix" = ["${each.value.state_key_prefix}*"] }
        }
      },
      {
        Sid      = "ReadState"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${var.state_bucket_arn}/${each.value.state_key_prefix}*"
      },
      {
        Sid      = "LockFile"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:DeleteObject"]
        Resource = "${var.state_bucket_arn}/${each.value.state_key_prefix}*.tflock"
      },
      {
        # The state bucket encrypts each object under its own ARN (no S3 Bucket Key), so this
        # role can decrypt its environment's state only, although ReadOnlyAccess reads any object.
        Sid      = "StateKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.state_kms_key_arn
        Condition = {
          StringLike = { "kms:EncryptionContext:aws:s3:arn" = "${var.state_bucket_arn}/${each.value.state_key_prefix}*" }
        }
      },
      ], var.lock_table_arn == null ? [] : [{
        Sid      = "LockTable"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = var.lock_table_arn
    }])
  })
}

# ---------------------------------------------------------------------------------------------
# Apply roles: only jobs running in the GitHub environment of the same name
# ---------------------------------------------------------------------------------------------
resource "aws_iam_role" "apply" {
  for_each = local.envs

  name                 = "${var.name_prefix}-${each.key}-terraform-apply"
  description          = "terraform apply for ${each.key} from the ${each.key} GitHub environment of ${local.repo}"
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubEnvironment"
      Effect    = "Allow"
      Principal = { Federated = local.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_host}:aud" = "sts.amazonaws.com"
          "${local.oidc_host}:sub" = each.value.apply_subject
        }
      }
    }]
  })

  tags = merge(var.tags, { Environment = each.key })

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.oidc_provider_arn != null
      error_message = "oidc_provider_arn is required when create_oidc_provider is false."
    }
  }
}

resource "aws_iam_role_policy_attachment" "apply" {
  for_each = local.apply_policy_attachments

  role       = aws_iam_role.apply[each.value.env].name
  policy_arn = each.value.policy_arn
}

resource "aws_iam_role_policy" "apply_state" {
  for_each = local.envs

  name = "terraform-state-write"
  role = aws_iam_role.apply[each.key].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "ListStatePrefix"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = var.state_bucket_arn
        Condition = {
          StringLike = { "s3:prefix" = ["${each.value.state_key_prefix}*"] }
        }
      },
      {
        Sid      = "ReadWriteState"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${var.state_bucket_arn}/${each.value.state_key_prefix}*"
      },
      {
        # The state bucket encrypts each object under its own ARN (no S3 Bucket Key), so this
        # role can decrypt its environment's state only, although ReadOnlyAccess reads any object.
        Sid      = "StateKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.state_kms_key_arn
        Condition = {
          StringLike = { "kms:EncryptionContext:aws:s3:arn" = "${var.state_bucket_arn}/${each.value.state_key_prefix}*" }
        }
      },
      ], var.lock_table_arn == null ? [] : [{
        Sid      = "LockTable"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = var.lock_table_arn
    }])
  })
}

# PowerUserAccess excludes IAM. The environment's resources need roles (ECS task and execution
# roles, Lambda roles, RDS monitoring, ...): allow managing IAM roles, policies and instance
# profiles only under the environment's name prefix, and passing only those roles.
resource "aws_iam_role_policy" "apply_iam" {
  for_each = local.envs

  name = "scoped-iam"
  role = aws_iam_role.apply[each.key].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ManageEnvironmentRoles"
        Effect = "Allow"
        Action = [
          "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
          "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
          "iam:PutRolePolicy", "iam:DeleteRolePolicy",
          "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PassRole",
        ]
        Resource = "arn:${local.partition}:iam::${local.account_id}:role/${each.value.iam_name_prefix}*"
      },
      {
        Sid    = "ManageEnvironmentPolicies"
        Effect = "Allow"
        Action = [
          "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
          "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
        ]
        Resource = "arn:${local.partition}:iam::${local.account_id}:policy/${each.value.iam_name_prefix}*"
      },
      {
        Sid    = "ManageEnvironmentInstanceProfiles"
        Effect = "Allow"
        Action = [
          "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
          "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile",
        ]
        Resource = "arn:${local.partition}:iam::${local.account_id}:instance-profile/${each.value.iam_name_prefix}*"
      },
    ]
  })
}
