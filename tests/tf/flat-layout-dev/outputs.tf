output "cluster_name" {
  description = "ECS cluster of the environment (`pipeline-tools deploy --cluster`)."
  value       = module.ecs.cluster_name
}

output "service_name" {
  description = "ECS service of the api (`pipeline-tools deploy --service`)."
  value       = module.ecs.service_name
}

output "container_name" {
  description = "Container whose image deploys replace."
  value       = module.ecs.container_name
}

output "api_image" {
  description = "Image the task definition declares: `<repository url>@<digest>` from the release file."
  value       = "${data.aws_ecr_repository.api.repository_url}@${var.releases["api"].digest}"
}

output "api_url" {
  description = "HTTPS URL of the api."
  value       = "https://${local.api_domain}"
}

output "frontend_url" {
  description = "HTTPS URL of the frontend."
  value       = "https://${local.frontend_domain}"
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "frontend_bucket_name" {
  description = "Bucket the frontend build is uploaded to."
  value       = module.frontend.bucket_name
}

output "frontend_distribution_id" {
  description = "CloudFront distribution to invalidate after a frontend upload."
  value       = module.frontend.distribution_id
}

output "zone_name_servers" {
  description = "Name servers of the environment's zone (delegate the domain to them)."
  value       = module.dns.name_servers
}

output "database_endpoint" {
  description = "Endpoint of the PostgreSQL instance (the RDS Proxy endpoint when one is created is `database_proxy_endpoint`)."
  value       = module.database.endpoint
}

output "database_proxy_endpoint" {
  description = "Endpoint of the RDS Proxy, or null when none is created."
  value       = module.database.proxy_endpoint
}

output "database_secret_arn" {
  description = "Secrets Manager secret with the database master credentials (managed by RDS)."
  value       = module.database.master_user_secret_arn
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis replication group (TLS)."
  value       = module.cache.primary_endpoint_address
}

output "vpc_id" {
  description = "VPC of the environment."
  value       = module.network.vpc_id
}

output "deploy_targets_parameter_name" {
  description = "SSM parameter with the deploy targets JSON the deployer Lambda reads."
  value       = module.deploy_trigger.deploy_targets_parameter_name
}

output "deployer_function_name" {
  description = "Name of the deployer Lambda triggered by ECR pushes."
  value       = module.deploy_trigger.function_name
}

output "deploy_lock_table_name" {
  description = "DynamoDB table of the deployer's per-service locks; the apply workflow's roll-outs take the same lock (DEPLOY_LOCK_TABLE)."
  value       = module.deploy_trigger.lock_table_name
}
