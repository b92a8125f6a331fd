output "vault_name" {
  description = "Name of the backup vault."
  value       = aws_backup_vault.this.name
}

output "vault_arn" {
  description = "ARN of the backup vault (another region's plan copies here when this is its copy destination)."
  value       = aws_backup_vault.this.arn
}

output "plan_id" {
  description = "ID of the daily backup plan, or null when no resources are backed up."
  value       = local.create_plan ? aws_backup_plan.daily[0].id : null
}

output "role_arn" {
  description = "Role AWS Backup uses (restores too), or null when no resources are backed up."
  value       = local.create_plan ? aws_iam_role.backup[0].arn : null
}

output "kms_key_arn" {
  description = "KMS key encrypting the vault."
  value       = aws_kms_key.vault.arn
}
