output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider (created here or passed in)."
  value       = local.provider_arn
}

output "plan_role_arns" {
  description = "Plan role ARN per environment (for `aws-actions/configure-aws-credentials` in pull request workflows)."
  value       = { for name, role in aws_iam_role.plan : name => role.arn }
}

output "plan_role_names" {
  description = "Plan role name per environment."
  value       = { for name, role in aws_iam_role.plan : name => role.name }
}

output "apply_role_arns" {
  description = "Apply role ARN per environment (for jobs bound to the GitHub environment of the same name)."
  value       = { for name, role in aws_iam_role.apply : name => role.arn }
}

output "apply_role_names" {
  description = "Apply role name per environment."
  value       = { for name, role in aws_iam_role.apply : name => role.name }
}

output "trusted_subjects" {
  description = "The exact OIDC `sub` claims each environment's plan role (pull requests, drift checks) and apply role trust."
  value = { for name, env in local.envs : name => {
    plan  = env.plan_subjects
    apply = env.apply_subject
  } }
}

output "iam_name_prefixes" {
  description = "Per environment, the name prefix of IAM roles, policies and instance profiles its apply role may manage."
  value       = { for name, env in local.envs : name => env.iam_name_prefix }
}

output "permissions_boundary_arns" {
  description = "Per environment, the permissions boundary every IAM role its apply role creates must carry (pass it to the modules' permissions_boundary_arn)."
  value       = { for name, env in local.envs : name => aws_iam_policy.boundary[name].arn }
}

output "github_environment_rules" {
  description = "The GitHub environment settings the trust policies rely on: for each environment an apply role trusts, restrict deployments to the protected branch (and on prod, require reviewers). `pipeline-tools doctor` checks them."
  value = merge({
    for name in keys(local.envs) : name => {
      deployment_branches = "protected branches only (or a custom policy naming main)"
      required_reviewers  = name == "prod"
      trusted_subject     = local.envs[name].apply_subject
    }
    }, var.drift_environment == null ? {} : {
    (var.drift_environment) = {
      deployment_branches = "protected branches only (or a custom policy naming main)"
      required_reviewers  = false
      trusted_subject     = "repo:${local.repo}:environment:${var.drift_environment}"
    }
  })
}
