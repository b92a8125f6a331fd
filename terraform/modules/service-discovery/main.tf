# Service discovery: a Cloud Map private DNS namespace in the environment's VPC, and one
# registry per service. ECS tasks whose service names the registry (the ecs service's
# `service_registries`) are registered and deregistered by ECS itself; other services in the VPC
# then reach them as `<service>.<namespace>`. Health is ECS's: a task that stops is removed, so the
# registries use custom health checking (no Route53 health checks, which cannot reach private IPs).

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.namespace_name
  description = var.description
  vpc         = var.vpc_id

  tags = var.tags
}

resource "aws_service_discovery_service" "this" {
  for_each = var.services

  name         = each.key
  description  = each.value.description
  namespace_id = aws_service_discovery_private_dns_namespace.this.id

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = each.value.record_type
      ttl  = each.value.ttl
    }
  }

  # ECS reports task health to Cloud Map; an unhealthy task is taken out of DNS answers.
  health_check_custom_config {
    failure_threshold = 1
  }

  tags = var.tags
}
