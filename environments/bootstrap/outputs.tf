output "state_bucket_name" {
  description = "Terraform state bucket: `terraform init -backend-config=bucket=<this>` in every root."
  value       = module.state_backend.state_bucket_name
}

output "lock_table_name" {
  description = "DynamoDB lock table for Terraform versions without `use_lockfile` (null when not created)."
  value       = module.state_backend.lock_table_name
}

output "state_kms_key_arn" {
  description = "KMS key encrypting the state, the artifacts and the lock table."
  value       = module.state_backend.kms_key_arn
}

output "backend_config" {
  description = "S3 backend settings for the environment roots (add `key = \"<env>/terraform.tfstate\"`)."
  value       = module.state_backend.backend_config
}

output "artifacts_bucket_name" {
  description = "Bucket holding build artifacts such as the deployer Lambda package."
  value       = module.state_backend.artifacts_bucket_name
}

output "github_oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = module.github_oidc.oidc_provider_arn
}

output "plan_role_arns" {
  description = "Read-only plan role per environment (pull request workflows)."
  value       = module.github_oidc.plan_role_arns
}

output "apply_role_arns" {
  description = "Apply role per environment (workflows bound to the GitHub environment of the same name)."
  value       = module.github_oidc.apply_role_arns
}

output "ecr_repository_urls" {
  description = "ECR repository URL by repository name."
  value       = module.ecr.repository_urls
}

output "ecr_push_role_arn" {
  description = "Role the application repository's CI assumes (aws-actions/configure-aws-credentials `role-to-assume`) to push images: push-only, to `ecr_repositories`."
  value       = module.ecr_push_role.role_arn
}

output "permissions_boundary_arns" {
  description = "Per environment, the permissions boundary every IAM role the environment creates must carry (the environment roots compute the same ARN)."
  value       = module.github_oidc.permissions_boundary_arns
}

output "github_environment_rules" {
  description = "Set these in the repository's Settings > Environments before the first apply: deployment branches restricted to the protected branch everywhere, required reviewers on prod. `pipeline-tools doctor` checks them."
  value       = module.github_oidc.github_environment_rules
}

output "recovery_vault_arn" {
  description = "The recovery region's backup vault (null without recovery_region): prod's backups copy every recovery point here."
  value       = one(module.recovery_vault[*].vault_arn)
}

output "uploads_replica_bucket_arn" {
  description = "The recovery region's replica bucket (null without recovery_region): prod's uploads replicate here (`add_ons.uploads.replica_region`)."
  value       = one(module.uploads_replica[*].bucket_arn)
}
