output "secret_arns" {
  description = "ARN of each Secrets Manager secret, by key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "secret_names" {
  description = "Name of each Secrets Manager secret, by key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.name }
}

output "parameter_arns" {
  description = "ARN of each SSM parameter, by key."
  value       = { for k, p in aws_ssm_parameter.this : k => p.arn }
}

output "parameter_names" {
  description = "Name of each SSM parameter, by key."
  value       = { for k, p in aws_ssm_parameter.this : k => p.name }
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the secrets and parameters (readers need kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "read_policy_json" {
  description = "IAM policy document granting read access to every secret and parameter of this module, for roles managed elsewhere."
  value       = local.read_policy_json
}
