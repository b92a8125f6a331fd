output "bucket_name" {
  description = "Name of the site bucket (where CI uploads the build)."
  value       = aws_s3_bucket.site.bucket
}

output "bucket_arn" {
  description = "ARN of the site bucket (for the CI role's upload policy)."
  value       = aws_s3_bucket.site.arn
}

output "bucket_kms_key_arn" {
  description = "ARN of the KMS key encrypting the bucket (null in the oai variant, which uses SSE-S3). Uploaders need kms:GenerateDataKey on it."
  value       = try(aws_kms_key.site[0].arn, null)
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (for cache invalidations after a deploy)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "Domain name of the distribution (`dxxxx.cloudfront.net`), target of alias records."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_hosted_zone_id" {
  description = "Route53 zone ID of CloudFront, for alias records."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "origin_access_control_id" {
  description = "ID of the Origin Access Control (null in the oai variant)."
  value       = try(aws_cloudfront_origin_access_control.site[0].id, null)
}

output "origin_access_identity_iam_arn" {
  description = "IAM ARN of the Origin Access Identity (null in the default oac variant)."
  value       = try(aws_cloudfront_origin_access_identity.site[0].iam_arn, null)
}

output "cache_policy_id" {
  description = "ID of the cache policy of the default behaviour (the module's own unless one was passed in)."
  value       = coalesce(var.cache_policy_id, try(aws_cloudfront_cache_policy.site[0].id, null))
}

output "response_headers_policy_id" {
  description = "ID of the response headers policy of the default behaviour (the module's own unless one was passed in)."
  value       = coalesce(var.response_headers_policy_id, try(aws_cloudfront_response_headers_policy.security[0].id, null))
}
