# A role the application repository's CI assumes through GitHub's OIDC provider to push images:
# only workflow runs of the listed refs (or environments) of exactly that repository, only the
# push actions, only on the application's own ECR repositories. It cannot pull other images, delete
# images, change repository policies or lifecycle rules; the deployer, not CI, rolls images out.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  oidc_host = "token.actions.githubusercontent.com"
  repo      = "${var.github_owner}/${var.github_repository}"
  subjects = concat(
    [for ref in var.git_refs : "repo:${local.repo}:ref:${ref}"],
    [for name in var.github_environments : "repo:${local.repo}:environment:${name}"],
  )
  repository_arns = [
    for name in var.repository_names :
    "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:repository/${name}"
  ]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    # StringEquals, not StringLike: no wildcard can widen who may push.
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = local.subjects
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "CI of ${local.repo} pushes images to its own ECR repositories"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.subjects) > 0
      error_message = "The role needs at least one git ref or GitHub environment that may push."
    }
  }
}

data "aws_iam_policy_document" "push" {
  # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*" here.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # The actions `docker push` needs (AWS's "pushing an image" permissions), nothing that reads,
  # deletes or reconfigures.
  statement {
    sid = "PushToOwnRepositories"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
    ]
    resources = local.repository_arns
  }
}

resource "aws_iam_role_policy" "push" {
  name   = "ecr-push"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.push.json
}
