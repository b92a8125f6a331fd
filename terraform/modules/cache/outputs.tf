output "replication_group_id" {
  description = "Id of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "replication_group_arn" {
  description = "ARN of the replication group."
  value       = aws_elasticache_replication_group.this.arn
}

output "primary_endpoint_address" {
  description = "Address of the primary endpoint (writes). Connect with TLS and the AUTH token."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Address of the reader endpoint (reads spread over the replicas)."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Port of the cache."
  value       = aws_elasticache_replication_group.this.port
}

output "auth_token_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the AUTH token (grant clients secretsmanager:GetSecretValue on it)."
  value       = data.aws_secretsmanager_secret.auth_token.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the data at rest and the logs."
  value       = aws_kms_key.this.arn
}

output "subnet_group_name" {
  description = "Name of the cache subnet group."
  value       = aws_elasticache_subnet_group.this.name
}

output "log_group_names" {
  description = "CloudWatch log group per log type (slow-log, engine-log)."
  value       = { for type, group in aws_cloudwatch_log_group.this : type => group.name }
}
