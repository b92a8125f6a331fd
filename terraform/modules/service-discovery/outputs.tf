output "namespace_id" {
  description = "ID of the Cloud Map namespace."
  value       = aws_service_discovery_private_dns_namespace.this.id
}

output "namespace_arn" {
  description = "ARN of the Cloud Map namespace."
  value       = aws_service_discovery_private_dns_namespace.this.arn
}

output "namespace_name" {
  description = "DNS name of the namespace: services resolve as `<service>.<namespace_name>`."
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "hosted_zone_id" {
  description = "Route53 private hosted zone Cloud Map created for the namespace."
  value       = aws_service_discovery_private_dns_namespace.this.hosted_zone
}

output "service_registry_arns" {
  description = "Registry ARN of each service, by name: the `registry_arn` of the ECS service's `service_registries`."
  value       = { for name, service in aws_service_discovery_service.this : name => service.arn }
}

output "service_dns_names" {
  description = "Fully qualified DNS name of each service, by name."
  value       = { for name, service in aws_service_discovery_service.this : name => "${name}.${var.namespace_name}" }
}
