output "replication_group_id" {
  description = "Id of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "replication_group_arn" {
  description = "ARN of the replication group."
  value       = aws_elasticache_replication_group.this.arn
}

output "primary_endpoint_address" {
  description = "Address of the primary endpoint (writes). Connect with TLS as app_user_id, with an IAM authentication token."
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

output "app_user_id" {
  description = "Redis user the application connects as, with an IAM authentication token (user name = user id)."
  value       = aws_elasticache_user.app.user_id
}

output "connect_policy_json" {
  description = "IAM policy granting elasticache:Connect as the application user: add it to the application's task role."
  value       = data.aws_iam_policy_document.connect.json
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
