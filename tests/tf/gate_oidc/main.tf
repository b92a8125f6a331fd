# GitHub OIDC trust-policy variants for the security gate's own rules (tests/unit/gate/test_gate_oidc.py).
# Every role trusts an OIDC provider created in the same root, so its ARN is unknown at plan time:
# the trust policies that checkov's CKV_AWS_358 cannot see. Role names ending in "-apply" (or
# tagged pipeline-tools:role = apply) are apply roles and must be bound to a GitHub environment.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {}

variable "prod_subject" {
  description = "Subject of the production apply role, passed as a variable to test resolution."
  type        = string
  default     = "repo:example-org/infra:environment:prod"
}

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_caller_identity" "current" {}

locals {
  # variant => [aud test, aud values, sub test, sub values]
  variants = {
    legacy-env-apply      = ["StringEquals", ["sts.amazonaws.com"], "StringEquals", ["repo:example-org/infra:environment:prod"]]
    immutable-env-apply   = ["StringEquals", ["sts.amazonaws.com"], "StringEquals", ["repo:example-org@123456/infra@789012:environment:prod"]]
    custom-claims-apply   = ["StringEquals", ["sts.amazonaws.com"], "StringEquals", ["repository_owner_id:123456:repository_id:789012:environment:prod"]]
    pull-request-plan     = ["StringEquals", ["sts.amazonaws.com"], "StringEquals", ["repo:example-org/infra:pull_request"]]
    org-wildcard-plan     = ["StringEquals", ["sts.amazonaws.com"], "StringLike", ["repo:example-org/*"]]
    owner-wildcard-plan   = ["StringEquals", ["sts.amazonaws.com"], "StringLike", ["repo:*/infra:ref:refs/heads/main"]]
    owner-prefix-plan     = ["StringEquals", ["sts.amazonaws.com"], "StringLike", ["repo:example-org*"]]
    any-aud-plan          = ["StringLike", ["*"], "StringEquals", ["repo:example-org/infra:pull_request"]]
    wrong-aud-plan        = ["StringEquals", ["sts.amazonaws.com", "https://github.com/example-org"], "StringEquals", ["repo:example-org/infra:pull_request"]]
    main-branch-apply     = ["StringEquals", ["sts.amazonaws.com"], "StringEquals", ["repo:example-org/infra:ref:refs/heads/main"]]
    any-environment-apply = ["StringEquals", ["sts.amazonaws.com"], "StringLike", ["repo:example-org/infra:environment:*"]]
  }
}

data "aws_iam_policy_document" "variant" {
  for_each = local.variants
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = each.value[0]
      variable = "token.actions.githubusercontent.com:aud"
      values   = each.value[1]
    }
    condition {
      test     = each.value[2]
      variable = "token.actions.githubusercontent.com:sub"
      values   = each.value[3]
    }
  }
}

resource "aws_iam_role" "variant" {
  for_each           = local.variants
  name               = "gate-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.variant[each.key].json
}

# No aud condition at all (checkov lets this one through).
data "aws_iam_policy_document" "no_aud" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:example-org-123456/infra-789012:environment:prod"]
    }
  }
}

resource "aws_iam_role" "no_aud" {
  name               = "gate-no-aud-plan"
  assume_role_policy = data.aws_iam_policy_document.no_aud.json
}

# The subject comes from a variable: resolved from the plan's variables.
data "aws_iam_policy_document" "from_variable" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [var.prod_subject]
    }
  }
}

resource "aws_iam_role" "from_variable" {
  name               = "gate-variable-apply"
  assume_role_policy = data.aws_iam_policy_document.from_variable.json
}

# An apply role recognised by its tag, bound to a branch instead of an environment.
resource "aws_iam_role" "tagged_apply" {
  name               = "gate-deployer"
  assume_role_policy = data.aws_iam_policy_document.variant["pull-request-plan"].json
  tags = {
    "pipeline-tools:role" = "apply"
  }
}

# jsonencode with a literal provider ARN: known at plan time, so the JSON itself is checked.
resource "aws_iam_role" "literal_json" {
  name = "gate-literal-json-plan"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/*" }
      }
    }]
  })
}

# jsonencode around the provider resource's ARN: unknown until apply, so it cannot be verified.
resource "aws_iam_role" "opaque_json" {
  name = "gate-opaque-json-plan"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:example-org/infra:pull_request"
        }
      }
    }]
  })
}

# Not a GitHub trust policy at all: ignored by the OIDC rules.
resource "aws_iam_role" "ecs_tasks" {
  name = "gate-ecs-tasks"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

# A federated principal the plan cannot resolve (terraform_data's output is unknown until apply),
# but conditions on GitHub's claims: still checked as a GitHub trust policy.
resource "terraform_data" "issuer_arn" {
  input = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
}

data "aws_iam_policy_document" "unresolved_principal" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [terraform_data.issuer_arn.output]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:example-org/*"]
    }
  }
}

resource "aws_iam_role" "unresolved_principal" {
  name               = "gate-unresolved-principal-plan"
  assume_role_policy = data.aws_iam_policy_document.unresolved_principal.json
}
