output "gateway_endpoint_ids" {
  description = "ID of each gateway endpoint, by service (s3, dynamodb)."
  value       = { for service, endpoint in aws_vpc_endpoint.gateway : service => endpoint.id }
}

output "gateway_endpoint_prefix_list_ids" {
  description = "Prefix list ID of each gateway endpoint, by service, for security group egress rules."
  value       = { for service, endpoint in aws_vpc_endpoint.gateway : service => endpoint.prefix_list_id }
}

output "interface_endpoint_ids" {
  description = "ID of each interface endpoint, by service suffix (ecr.api, logs, ...)."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
}

output "interface_endpoint_dns_names" {
  description = "Regional DNS name of each interface endpoint, by service suffix."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => try(endpoint.dns_entry[0].dns_name, null) }
}
