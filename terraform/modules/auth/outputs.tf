output "user_pool_id" {
  description = "Id of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool (e.g. for an ALB authenticate-cognito action)."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_endpoint" {
  description = "Endpoint of the user pool (issuer host of its tokens)."
  value       = aws_cognito_user_pool.this.endpoint
}

output "issuer_url" {
  description = "OIDC issuer URL of the user pool's tokens."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "client_id" {
  description = "Id of the app client."
  value       = aws_cognito_user_pool_client.this.id
}

output "client_secret" {
  description = "Secret of the app client (empty unless generate_client_secret)."
  value       = aws_cognito_user_pool_client.this.client_secret
  sensitive   = true
}

output "domain" {
  description = "Hosted UI domain as configured (prefix or custom domain)."
  value       = aws_cognito_user_pool_domain.this.domain
}

output "hosted_ui_base_url" {
  description = "Base URL of the hosted UI (append /oauth2/authorize, /login, /logout)."
  value       = var.certificate_arn == null ? "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.name}.amazoncognito.com" : "https://${aws_cognito_user_pool_domain.this.domain}"
}

output "cloudfront_distribution" {
  description = "CloudFront distribution of a custom domain (alias target for Route53), or empty for a prefix domain."
  value       = aws_cognito_user_pool_domain.this.cloudfront_distribution
}

output "identity_providers" {
  description = "Identity providers the app client accepts."
  value       = local.identity_providers
}

output "google_idp_function_name" {
  description = "Name of the Lambda that manages the Google identity provider (null while Google is off). Invoke it with the same input to push a rotated secret without an apply."
  value       = local.google_enabled ? aws_lambda_function.google_idp[0].function_name : null
}
