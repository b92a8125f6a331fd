output "bucket_name" {
  description = "Name of the replica bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the replica bucket (a source bucket's `replication.destination_bucket_arn`)."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "ARN of the replica bucket's KMS key."
  value       = aws_kms_key.this.arn
}

output "kms_alias_arn" {
  description = "ARN of the key's alias (a source bucket's `replication.destination_kms_key_arn`)."
  value       = aws_kms_alias.this.arn
}
