# GitHub Actions -> AWS without long-lived keys. Per environment:
# - a plan role, assumable by pull_request workflows of exactly OWNER/REPO (environments listed in
#   pull_request_plan_environments) and by the scheduled drift check (jobs bound to the GitHub
#   environment `drift_environment`): read-only, no secret reads (explicit deny);
# - an apply role, assumable only by jobs bound to the GitHub environment of the same name
#   (so environment protection rules, e.g. required reviewers, gate every apply), that cannot
#   escalate: IAM writes only under the environment's name prefix, every role it creates or
#   changes must carry the environment's permissions boundary, policies it may attach are its
#   environment's own plus a short allow-list, PassRole only of its roles to named services, and
#   explicit denies on every pipeline role, on the boundaries and on users and access keys.
# The token's audience is pinned to sts.amazonaws.com and the subject is matched with
# StringEquals: no wildcard in owner, repository, ref or environment.
#
# Every policy is an aws_iam_policy_document built from names and the caller's account id, so
# its JSON is known at plan time: a reviewer (and pipeline-tools' IAM evaluator) reads in the
# plan exactly what will be deployed.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition    = data.aws_partition.current.partition
  account_id   = data.aws_caller_identity.current.account_id
  iam_arn      = "arn:${local.partition}:iam::${local.account_id}"
  oidc_host    = "token.actions.githubusercontent.com"
  repo         = "${var.github_owner}/${var.github_repository}"
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn

  # Boundaries live under their own IAM path, so no environment's name prefix (`policy/<prefix>*`)
  # ever matches one.
  boundary_path = "/${var.name_prefix}-boundaries/"

  pull_request_environments = var.pull_request_plan_environments == null ? keys(var.environments) : var.pull_request_plan_environments

  envs = {
    for name, env in var.environments : name => {
      state_key_prefix            = coalesce(env.state_key_prefix, "${name}/")
      iam_name_prefix             = coalesce(env.iam_name_prefix, "${var.name_prefix}-${name}-")
      apply_managed_policy_arns   = env.apply_managed_policy_arns
      plan_additional_policy_arns = env.plan_additional_policy_arns
      attachable_policy_arns      = env.attachable_policy_arns
      pass_role_services          = env.pass_role_services
      s3_replication_roles        = env.s3_replication_roles
      plan_role_name              = "${var.name_prefix}-${name}-terraform-plan"
      apply_role_name             = "${var.name_prefix}-${name}-terraform-apply"
      boundary_name               = "${var.name_prefix}-${name}-permissions-boundary"
      boundary_arn                = "${local.iam_arn}:policy${local.boundary_path}${var.name_prefix}-${name}-permissions-boundary"
      plan_subjects = compact([
        contains(local.pull_request_environments, name) ? "repo:${local.repo}:pull_request" : "",
        var.drift_environment == null ? "" : "repo:${local.repo}:environment:${var.drift_environment}",
      ])
      apply_subject = "repo:${local.repo}:environment:${name}"
    }
  }

  # Each environment's S3 replication roles, by ARN: passed to S3, and only there.
  replication_role_arns = {
    for name, env in local.envs : name => [for role in env.s3_replication_roles : "${local.iam_arn}:role/${env.iam_name_prefix}${role}"]
  }

  # Every role this module creates, by ARN (known at plan time): no apply role may touch any.
  pipeline_role_arns = sort(flatten([
    for env in values(local.envs) : ["${local.iam_arn}:role/${env.plan_role_name}", "${local.iam_arn}:role/${env.apply_role_name}"]
  ]))
  boundary_arns = sort([for env in values(local.envs) : env.boundary_arn])

  # The IAM calls that change a role, a policy, a user or an instance profile (reads stay allowed).
  iam_write_actions = [
    "iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:PassRole",
    "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*",
  ]

  # Managed policies no apply role may attach to anything, whatever its allow-list says.
  forbidden_policy_arns = [
    "arn:${local.partition}:iam::aws:policy/AdministratorAccess",
    "arn:${local.partition}:iam::aws:policy/IAMFullAccess",
    "arn:${local.partition}:iam::aws:policy/PowerUserAccess",
  ]

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

  # No environment's name prefix may start another's: dev's `platform-dev-` would cover a
  # `platform-dev-eu-` environment's roles, and each apply role denies the others' prefixes.
  overlapping_prefixes = [
    for pair in setproduct(keys(local.envs), keys(local.envs)) : pair
    if pair[0] != pair[1] && startswith(local.envs[pair[1]].iam_name_prefix, local.envs[pair[0]].iam_name_prefix)
  ]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints
  tags            = var.tags
}

# ---------------------------------------------------------------------------------------------
# Permissions boundary of every role an environment's apply role creates
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_107:A permissions boundary is a ceiling, not a grant: it allows nothing by itself, roles get their permissions from their own policies, and this one removes IAM, Organizations and account management from every workload role. exp:2027-02-19
  #checkov:skip=CKV_AWS_108:A permissions boundary is a ceiling, not a grant: it allows nothing by itself, roles get their permissions from their own policies, and this one removes IAM, Organizations and account management from every workload role. exp:2027-02-19
  #checkov:skip=CKV_AWS_109:A permissions boundary is a ceiling, not a grant: it allows nothing by itself, roles get their permissions from their own policies, and this one removes IAM, Organizations and account management from every workload role. exp:2027-02-19
  #checkov:skip=CKV_AWS_110:A permissions boundary is a ceiling, not a grant: it allows nothing by itself, roles get their permissions from their own policies, and this one removes IAM, Organizations and account management from every workload role. exp:2027-02-19
  #checkov:skip=CKV_AWS_111:A permissions boundary is a ceiling, not a grant: it allows nothing by itself, roles get their permissions from their own policies, and this one removes IAM, Organizations and account management from every workload role. exp:2027-02-19
  #checkov:skip=CKV_AWS_356:A permissions boundary is a ceiling, not a grant: it allows nothing by itself, roles get their permissions from their own policies, and this one removes IAM, Organizations and account management from every workload role. exp:2027-02-19
  for_each = local.envs

  # Workload roles (ECS tasks, Lambdas, RDS monitoring, flow logs) use AWS services, never IAM
  # or the organisation.
  statement {
    sid         = "EverythingButIam"
    effect      = "Allow"
    not_actions = ["iam:*", "organizations:*", "account:*"]
    resources   = ["*"]
  }

  # The deployer Lambda registers task definitions naming the environment's task roles.
  statement {
    sid       = "PassEnvironmentRolesToServices"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam_arn}:role/${each.value.iam_name_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = each.value.pass_role_services
    }
  }

  statement {
    sid       = "NeverPipelineRoles"
    effect    = "Deny"
    actions   = concat(local.iam_write_actions, ["sts:AssumeRole"])
    resources = local.pipeline_role_arns
  }
}

resource "aws_iam_policy" "boundary" {
  for_each = local.envs

  name        = each.value.boundary_name
  path        = local.boundary_path
  description = "Permissions boundary of every IAM role the ${each.key} apply role creates"
  policy      = data.aws_iam_policy_document.boundary[each.key].json

  tags = merge(var.tags, { Environment = each.key })
}

# ---------------------------------------------------------------------------------------------
# Plan roles: read-only plus what `terraform plan` needs on the state, never a secret
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "plan_trust" {
  for_each = local.envs

  statement {
    sid     = "GitHubPullRequestsAndDriftChecks"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Any of these exact subjects (a list under StringEquals matches one of its values).
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value.plan_subjects
    }
  }
}

resource "aws_iam_role" "plan" {
  for_each = local.envs

  name                 = each.value.plan_role_name
  description          = "terraform plan for ${each.key} from pull requests of ${local.repo}"
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.plan_trust[each.key].json

  tags = merge(var.tags, { Environment = each.key, "pipeline-tools:role" = "plan" })

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.oidc_provider_arn != null
      error_message = "oidc_provider_arn is required when create_oidc_provider is false."
    }
    precondition {
      condition     = length(each.value.plan_subjects) > 0
      error_message = "A plan role needs a subject: list the environment in pull_request_plan_environments or set drift_environment."
    }
  }
}

resource "aws_iam_role_policy_attachment" "plan" {
  for_each = local.plan_policy_attachments

  role       = aws_iam_role.plan[each.value.env].name
  policy_arn = each.value.policy_arn
}

# State access shared by plan (read, lock file) and apply (read/write).
data "aws_iam_policy_document" "state" {
  for_each = { for pair in setproduct(keys(local.envs), ["plan", "apply"]) : "${pair[0]}|${pair[1]}" => { env = pair[0], kind = pair[1] } }

  statement {
    sid       = "ListStatePrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.envs[each.value.env].state_key_prefix}*"]
    }
  }

  # Plan reads the state and takes the lock: with use_lockfile the lock is a `.tflock` object
  # written next to the state, so the plan role may write and delete exactly those objects.
  statement {
    sid       = each.value.kind == "plan" ? "ReadState" : "ReadWriteState"
    effect    = "Allow"
    actions   = each.value.kind == "plan" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.state_bucket_arn}/${local.envs[each.value.env].state_key_prefix}*"]
  }

  dynamic "statement" {
    for_each = each.value.kind == "plan" ? [1] : []
    content {
      sid       = "LockFile"
      effect    = "Allow"
      actions   = ["s3:PutObject", "s3:DeleteObject"]
      resources = ["${var.state_bucket_arn}/${local.envs[each.value.env].state_key_prefix}*.tflock"]
    }
  }

  # The state bucket encrypts each object under its own ARN (no S3 Bucket Key), so this role can
  # decrypt its environment's state only, although ReadOnlyAccess reads any object.
  statement {
    sid       = "StateKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.state_kms_key_arn]

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = ["${var.state_bucket_arn}/${local.envs[each.value.env].state_key_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = var.lock_table_arn == null ? [] : [var.lock_table_arn]
    content {
      sid       = "LockTable"
      effect    = "Allow"
      actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
      resources = [statement.value]
    }
  }

  # PowerUserAccess reaches every S3 object and the state key: the apply role must not read or
  # overwrite another environment's state. Objects of the state bucket are encrypted with their
  # own ARN as encryption context, so the key refuses any other prefix of that bucket (other
  # uses of the key, e.g. the lock table, carry no such context and are unaffected).
  dynamic "statement" {
    for_each = each.value.kind == "apply" ? [1] : []
    content {
      sid       = "NoOtherEnvironmentsStateKey"
      effect    = "Deny"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
      resources = [var.state_kms_key_arn]

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = ["${var.state_bucket_arn}/*"]
      }

      condition {
        test     = "StringNotLike"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = ["${var.state_bucket_arn}/${local.envs[each.value.env].state_key_prefix}*"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.value.kind == "apply" && length(local.envs) > 1 ? [1] : []
    content {
      sid       = "NoOtherEnvironmentsState"
      effect    = "Deny"
      actions   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject"]
      resources = [for name, other in local.envs : "${var.state_bucket_arn}/${other.state_key_prefix}*" if name != each.value.env]
    }
  }

  # A plan (and a pull request that assumes the role) learns nothing secret: not through
  # Secrets Manager, not by decrypting with a key that protects secrets, not from Cognito (which
  # returns the Google client secret from DescribeIdentityProvider; ReadOnlyAccess allows
  # cognito-idp:Describe*), whatever plan_additional_policy_arns grants. The state holds no secret
  # either (database: RDS-managed password; Redis: IAM authentication; Google: set by a Lambda).
  dynamic "statement" {
    for_each = each.value.kind == "plan" ? [1] : []
    content {
      sid       = "NoSecrets"
      effect    = "Deny"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "cognito-idp:DescribeIdentityProvider"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = each.value.kind == "plan" ? [1] : []
    content {
      sid       = "NoSecretDecryption"
      effect    = "Deny"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["secretsmanager.*.amazonaws.com", "ssm.*.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "plan_state" {
  for_each = local.envs

  name   = "terraform-state-read"
  role   = aws_iam_role.plan[each.key].name
  policy = data.aws_iam_policy_document.state["${each.key}|plan"].json
}

# ---------------------------------------------------------------------------------------------
# Apply roles: only jobs running in the GitHub environment of the same name
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "apply_trust" {
  for_each = local.envs

  statement {
    sid     = "GitHubEnvironment"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [each.value.apply_subject]
    }
  }
}

resource "aws_iam_role" "apply" {
  for_each = local.envs

  name                 = each.value.apply_role_name
  description          = "terraform apply for ${each.key} from the ${each.key} GitHub environment of ${local.repo}"
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.apply_trust[each.key].json

  tags = merge(var.tags, { Environment = each.key, "pipeline-tools:role" = "apply" })

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.oidc_provider_arn != null
      error_message = "oidc_provider_arn is required when create_oidc_provider is false."
    }
    precondition {
      condition     = length(local.overlapping_prefixes) == 0
      error_message = "An environment's iam_name_prefix starts another's (${join(", ", [for pair in local.overlapping_prefixes : "${pair[0]} covers ${pair[1]}"])}): give each environment a prefix no other starts with."
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

  name   = "terraform-state-write"
  role   = aws_iam_role.apply[each.key].name
  policy = data.aws_iam_policy_document.state["${each.key}|apply"].json
}

# PowerUserAccess excludes IAM. The environment's resources need roles (ECS task and execution
# roles, Lambda roles, RDS monitoring, flow logs): allow managing IAM roles, policies and instance
# profiles only under the environment's name prefix, only with its boundary, and passing only
# those roles, only to the services that use them.
data "aws_iam_policy_document" "apply_iam" {
  for_each = local.envs

  # Creating a role, setting its boundary and changing its policies all require the request (or
  # the role) to carry exactly this environment's boundary: a role without it, the apply role
  # itself included, cannot be changed at all.
  statement {
    sid = "RolesCarryTheBoundary"
    actions = [
      "iam:CreateRole", "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
    ]
    resources = ["${local.iam_arn}:role/${each.value.iam_name_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [each.value.boundary_arn]
    }
  }

  statement {
    sid       = "AttachOnlyEnvironmentPolicies"
    actions   = ["iam:AttachRolePolicy"]
    resources = ["${local.iam_arn}:role/${each.value.iam_name_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [each.value.boundary_arn]
    }

    condition {
      test     = "ArnLike"
      variable = "iam:PolicyARN"
      values   = concat(["${local.iam_arn}:policy/${each.value.iam_name_prefix}*"], each.value.attachable_policy_arns)
    }
  }

  statement {
    sid = "ManageEnvironmentRoles"
    actions = [
      "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
      "iam:TagRole", "iam:UntagRole",
    ]
    resources = ["${local.iam_arn}:role/${each.value.iam_name_prefix}*"]
  }

  statement {
    sid       = "PassEnvironmentRolesToServices"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam_arn}:role/${each.value.iam_name_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = each.value.pass_role_services
    }
  }

  # S3 replication (PutBucketReplication) passes the replication role to S3: only the named
  # roles, only to S3, so no other role of the environment can be handed to S3.
  dynamic "statement" {
    for_each = length(local.replication_role_arns[each.key]) > 0 ? [1] : []
    content {
      sid       = "PassReplicationRolesToS3"
      actions   = ["iam:PassRole"]
      resources = local.replication_role_arns[each.key]

      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["s3.amazonaws.com"]
      }
    }
  }

  statement {
    sid = "ManageEnvironmentPolicies"
    actions = [
      "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
    ]
    resources = ["${local.iam_arn}:policy/${each.value.iam_name_prefix}*"]
  }

  statement {
    sid = "ManageEnvironmentInstanceProfiles"
    actions = [
      "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile",
    ]
    resources = ["${local.iam_arn}:instance-profile/${each.value.iam_name_prefix}*"]
  }

  # --- explicit denies: they win over any allow, including apply_managed_policy_arns --------

  # No pipeline role (plan or apply, of any environment) can be changed, passed or assumed.
  statement {
    sid       = "NeverPipelineRoles"
    effect    = "Deny"
    actions   = concat(local.iam_write_actions, ["sts:AssumeRole"])
    resources = local.pipeline_role_arns
  }

  # Nor any other environment's roles, policies and instance profiles.
  dynamic "statement" {
    for_each = length(local.envs) > 1 ? [1] : []
    content {
      sid     = "NeverOtherEnvironments"
      effect  = "Deny"
      actions = concat(local.iam_write_actions, ["sts:AssumeRole"])
      resources = flatten([
        for name, other in local.envs : [
          "${local.iam_arn}:role/${other.iam_name_prefix}*",
          "${local.iam_arn}:policy/${other.iam_name_prefix}*",
          "${local.iam_arn}:instance-profile/${other.iam_name_prefix}*",
        ] if name != each.key
      ])
    }
  }

  # The S3 replication roles go to S3 and nowhere else: the environment's other PassRole rule
  # covers every role under its prefix, and a role S3 assumes has no business in a function or
  # a task (its trust admits only S3 today; this keeps that from resting on the trust alone).
  dynamic "statement" {
    for_each = length(local.replication_role_arns[each.key]) > 0 ? [1] : []
    content {
      sid       = "ReplicationRolesOnlyToS3"
      effect    = "Deny"
      actions   = ["iam:PassRole"]
      resources = local.replication_role_arns[each.key]

      condition {
        test     = "StringNotEquals"
        variable = "iam:PassedToService"
        values   = ["s3.amazonaws.com"]
      }
    }
  }

  # The boundaries stay as bootstrap wrote them.
  statement {
    sid       = "NeverTheBoundaries"
    effect    = "Deny"
    actions   = local.iam_write_actions
    resources = local.boundary_arns
  }

  statement {
    sid       = "BoundariesStay"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"]
    resources = ["*"]
  }

  # A missing iam:PermissionsBoundary makes StringNotEquals true: CreateRole without a boundary
  # is denied as well as with another one.
  statement {
    sid       = "OnlyThisBoundary"
    effect    = "Deny"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:CreateUser", "iam:PutUserPermissionsBoundary"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "iam:PermissionsBoundary"
      values   = [each.value.boundary_arn]
    }
  }

  statement {
    sid       = "NeverAdministrativePolicies"
    effect    = "Deny"
    actions   = ["iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"]
    resources = ["*"]

    condition {
      test     = "ArnLike"
      variable = "iam:PolicyARN"
      values   = local.forbidden_policy_arns
    }
  }

  # No human identities, no long-lived credentials.
  statement {
    sid    = "NoUsersOrKeys"
    effect = "Deny"
    actions = [
      "iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile",
      "iam:UpdateLoginProfile", "iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:AddUserToGroup",
      "iam:CreateGroup", "iam:PutGroupPolicy", "iam:AttachGroupPolicy",
      "iam:CreateServiceSpecificCredential", "iam:UploadSSHPublicKey",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "apply_iam" {
  for_each = local.envs

  name   = "scoped-iam"
  role   = aws_iam_role.apply[each.key].name
  policy = data.aws_iam_policy_document.apply_iam[each.key].json
}
