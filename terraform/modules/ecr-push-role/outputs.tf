output "role_arn" {
  description = "ARN of the push role: the application workflow's `aws-actions/configure-aws-credentials` `role-to-assume`."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the push role."
  value       = aws_iam_role.this.name
}

output "subjects" {
  description = "The OIDC subjects (workflow runs) allowed to assume the role."
  value       = local.subjects
}

output "repository_arns" {
  description = "The ECR repositories the role may push to."
  value       = local.repository_arns
}
