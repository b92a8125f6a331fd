output "db_instance_identifier" {
  description = "Identifier of the DB instance."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the DB instance."
  value       = aws_db_instance.this.arn
}

output "db_instance_resource_id" {
  description = "Resource id of the DB instance (for `rds-db:connect` IAM policies: arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>)."
  value       = aws_db_instance.this.resource_id
}

output "address" {
  description = "Host name of the DB instance."
  value       = aws_db_instance.this.address
}

output "endpoint" {
  description = "host:port of the DB instance."
  value       = aws_db_instance.this.endpoint
}

output "port" {
  description = "Port of the DB instance."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Name of the database."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret holding the master credentials."
  value       = local.master_secret_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting storage, Performance Insights and the master secret (readers of the secret need kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "parameter_group_name" {
  description = "Name of the DB parameter group."
  value       = aws_db_parameter_group.this.name
}

output "subnet_group_name" {
  description = "Name of the DB subnet group."
  value       = aws_db_subnet_group.this.name
}

output "monitoring_role_arn" {
  description = "ARN of the enhanced monitoring role, or null when monitoring_interval is 0."
  value       = one(aws_iam_role.monitoring[*].arn)
}

output "proxy_endpoint" {
  description = "Endpoint of the RDS Proxy, or null when create_proxy is false."
  value       = one(aws_db_proxy.this[*].endpoint)
}

output "proxy_arn" {
  description = "ARN of the RDS Proxy, or null when create_proxy is false."
  value       = one(aws_db_proxy.this[*].arn)
}

output "proxy_role_arn" {
  description = "ARN of the role the RDS Proxy uses to read the master secret, or null when create_proxy is false."
  value       = one(aws_iam_role.proxy[*].arn)
}
