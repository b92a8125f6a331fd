output "vault_arn" {
  description = "The example's vault."
  value       = module.backups.vault_arn
}

output "recovery_vault_arn" {
  description = "The vault in the recovery region."
  value       = module.recovery_vault.vault_arn
}
