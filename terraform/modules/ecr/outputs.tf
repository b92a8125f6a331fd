output "repository_urls" {
  description = "Repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) by repository name."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by repository name (for IAM policies and EventBridge rules)."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.arn }
}

output "repository_names" {
  description = "Names of the repositories created."
  value       = sort([for repo in aws_ecr_repository.this : repo.name])
}

output "registry_id" {
  description = "ID (account) of the registry holding the repositories."
  value       = one(distinct([for repo in aws_ecr_repository.this : repo.registry_id]))
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the repositories (created by the module unless one was passed in)."
  value       = local.kms_key_arn
}
