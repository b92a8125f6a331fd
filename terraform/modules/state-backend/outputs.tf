output "state_bucket_name" {
  description = "Name of the Terraform state bucket (the S3 backend's `bucket`)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the Terraform state bucket."
  value       = aws_s3_bucket.state.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the state, the artifacts and the lock table (the S3 backend's `kms_key_id`)."
  value       = aws_kms_key.this.arn
}

output "kms_key_id" {
  description = "ID of the KMS key."
  value       = aws_kms_key.this.key_id
}

output "kms_alias_name" {
  description = "Alias of the KMS key."
  value       = aws_kms_alias.this.name
}

output "lock_table_name" {
  description = "Name of the DynamoDB lock table (the S3 backend's `dynamodb_table`), or null when none was created."
  value       = one(aws_dynamodb_table.lock[*].name)
}

output "lock_table_arn" {
  description = "ARN of the DynamoDB lock table, or null when none was created."
  value       = one(aws_dynamodb_table.lock[*].arn)
}

output "artifacts_bucket_name" {
  description = "Name of the artifacts bucket, or null when none was created."
  value       = one(aws_s3_bucket.artifacts[*].id)
}

output "artifacts_bucket_arn" {
  description = "ARN of the artifacts bucket, or null when none was created."
  value       = one(aws_s3_bucket.artifacts[*].arn)
}

output "access_logs_bucket_name" {
  description = "Name of the bucket receiving S3 server access logs for the state and artifacts buckets."
  value       = aws_s3_bucket.access_logs.id
}

output "backend_config" {
  description = "Settings for an S3 backend block using this state backend (add `key` per root). `dynamodb_table` is null when no lock table was created."
  value = {
    bucket         = aws_s3_bucket.state.id
    region         = data.aws_region.current.name
    encrypt        = true
    kms_key_id     = aws_kms_key.this.arn
    use_lockfile   = true
    dynamodb_table = one(aws_dynamodb_table.lock[*].name)
  }
}
