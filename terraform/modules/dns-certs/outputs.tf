output "zone_id" {
  description = "ID of the hosted zone (created or passed in)."
  value       = local.zone_id
}

output "zone_name" {
  description = "DNS name of the hosted zone."
  value       = var.zone_name
}

output "name_servers" {
  description = "Name servers of the created zone, to delegate to at the registrar (empty when an existing zone was used)."
  value       = try(aws_route53_zone.this[0].name_servers, [])
}

output "certificate_arns" {
  description = "ARN of each certificate by key, taken from its validation so a consumer waits until the certificate is issued."
  value       = { for key, validation in aws_acm_certificate_validation.this : key => validation.certificate_arn }
}

output "record_fqdns" {
  description = "Fully qualified name of each record in `records`, by key."
  value       = { for key, record in aws_route53_record.this : key => record.fqdn }
}
