output "namespace_id" {
  description = "The example's namespace."
  value       = module.service_discovery.namespace_id
}

output "hosted_zone_id" {
  description = "The namespace's private hosted zone."
  value       = module.service_discovery.hosted_zone_id
}

output "service_registry_arns" {
  description = "The example's service registries."
  value       = module.service_discovery.service_registry_arns
}
