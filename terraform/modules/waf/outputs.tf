output "web_acl_arn" {
  description = "ARN of the web ACL (what a CloudFront distribution's web_acl_id takes for WAFv2)."
  value       = aws_wafv2_web_acl.this.arn
}

output "web_acl_id" {
  description = "ID of the web ACL."
  value       = aws_wafv2_web_acl.this.id
}

output "web_acl_name" {
  description = "Name of the web ACL (the `WebACL` dimension of its CloudWatch metrics)."
  value       = aws_wafv2_web_acl.this.name
}

output "web_acl_capacity" {
  description = "Web ACL capacity units the rules use (the limit is 1500 by default)."
  value       = aws_wafv2_web_acl.this.capacity
}

output "log_group_name" {
  description = "Name of the CloudWatch log group receiving the WAF logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the WAF logs."
  value       = aws_cloudwatch_log_group.this.arn
}
